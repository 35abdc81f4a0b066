# plots/timeline.gp -- pauses over the run as bars at their start time,
# coloured by generation, with the live heap on the right axis.
# Extra -e: file (columns t_ms, pause_ms, gen, live_mb), title
set title title
set xlabel 'time since the measured region began (ms)'
set ylabel 'pause (ms)'
set y2label 'live heap (MB)'
set y2tics
set ytics nomirror
set yrange [0:*]
set y2range [0:*]
set palette defined (0 '#1f77b4', 1 '#ff7f0e', 2 '#d62728')
set cbrange [0:2]
set cbtics ('gen 0' 0, 'gen 1' 1, 'gen 2' 2)
set cblabel 'generation'
plot dir.'/'.file using 1:2:3 with impulses lw 2 lc palette title 'pauses', \
     dir.'/'.file using 1:4 axes x1y2 with steps lw 1.5 lc rgb '#2ca02c' title 'live heap'
