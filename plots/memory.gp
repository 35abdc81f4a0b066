# plots/memory.gp -- live heap (solid, left axis) and retained garbage
# (dashed, right axis: far smaller) over time, one colour per collector.
# memory.dat: one block per collector (its name in the first line),
# columns time (ms), live (MB), garbage (MB) at each collection.
# Extra -e: file, title; n collectors.
set title title
set xlabel 'time (ms)'
set ylabel 'live heap (MB), solid'
set y2label 'retained garbage (kB), dashed'
set y2tics nomirror
set border 11
set key outside right top box opaque
# Points too: a run with one collection (a snapshot's full collection)
# has no step to draw.
plot for [i=0:n-1] dir.'/'.file index i using 1:2 with steps lw 2 lc i+1 title columnhead(1), \
     for [i=0:n-1] dir.'/'.file index i using 1:2 with points pt 7 ps 0.6 lc i+1 notitle, \
     for [i=0:n-1] dir.'/'.file index i using 1:($3*1000) axes x1y2 with steps lw 1 dt 2 lc i+1 notitle
