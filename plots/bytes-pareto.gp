# plots/bytes-pareto.gp -- the byte trigger's threshold swept: time in
# collections against peak live bytes, each point a threshold (kB,
# labelled); the object trigger's default as a point of its own.
# bytes-pareto.dat: peak MB, GC ms, GC ms CI, label; block 0 the byte
# trigger, block 1 the object trigger.  Extra -e: file, title.
load 'plots/common.gp'
set title title
set xlabel 'peak live bytes in the region (MB)'
set ylabel 'time in collections (ms, mean and 95% CI)'
set logscale x
plot dir.'/'.file index 0 using 1:2:3 with yerrorlines lw 2 pt 7 title 'cpython:bytes=N (kB)', \
     dir.'/'.file index 0 using 1:2:4 with labels offset char 1,char 0.8 notitle, \
     dir.'/'.file index 1 using 1:2:3 with yerrorbars lw 2 pt 5 title 'cpython (object trigger)'
