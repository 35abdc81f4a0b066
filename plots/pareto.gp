# plots/pareto.gp -- gclab sweep's figure: GC time against retained
# garbage, one curve per collector, each point a knob value (labelled).
# sweep.dat: one block per collector (name in the first line), columns
# retained KiB, GC ms, GC ms CI, retained KiB CI, knob value, wall ms.
# Extra -e: file, title, knob; n is the number of collectors.
set title title
set xlabel 'retained garbage, peak (KiB; oracle mark)'
set ylabel 'time in collections (ms, mean and 95% CI)'
set grid xtics ytics lc rgb '#dddddd'
set key outside right top box opaque title knob.' values labelled'
plot for [i=0:n-1] dir.'/'.file index i using 1:2:4:3 with xyerrorlines lw 2 pt 7 title columnhead(1), \
     for [i=0:n-1] dir.'/'.file index i using 1:2:5 every ::1 with labels offset char 1,char 0.8 notitle
