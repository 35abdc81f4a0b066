# plots/memory-series.gp -- memory over a run, one line per collector:
# live bytes (and retained garbage, dashed, where the accounting run
# measured it) against bytes allocated, from memory.tsv
# (results/schema.md).  memory-series.dat: one block per collector
# (name in the first line), columns alloc MB, live MB, OS-visible MB,
# garbage MB.  Extra -e: file, title; n is the number of collectors.
# common.gp is loaded first, as gclab plot does (gnuplot common.gp this).
set title title
set xlabel 'allocated since the region began (MB)'
set ylabel 'MB'
set key outside right top box opaque
plot for [i=0:n-1] dir.'/'.file index i using 1:2 with lines lw 2 lc i+1 title columnhead(1), \
     for [i=0:n-1] dir.'/'.file index i using 1:4 with lines lw 1 dt 2 lc i+1 notitle
