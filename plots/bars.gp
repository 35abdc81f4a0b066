# plots/bars.gp -- clustered bars with 95% CI error bars: one cluster per
# workload, one bar per collector.  Extra -e: file='NAME.dat', ytitle,
# title, n (series).  Columns: workload, then mean and ci95 per collector.
set title title
set ylabel ytitle
set style data histograms
set style histogram errorbars gap 2 lw 1
set xtics rotate by -20 left
set yrange [0:*]
# n: the number of collectors (series), given by gclab
plot for [i=0:n-1] dir.'/'.file using 2*i+2:2*i+3:xtic(1) title columnhead(2*i+2)
