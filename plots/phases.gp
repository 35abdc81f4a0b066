# plots/phases.gp -- time in collections by phase: one stacked bar per
# (workload, collector), a segment per phase.  Columns: the bar's label,
# then ms per phase (their names in the header line), the last "other";
# a row of zeros with an empty label separates workloads.  n: the
# number of segments.  Ten colours, so that no two phases share one;
# "other" is grey.
set title title
set ylabel ytitle
set style data histograms
set style histogram rowstacked
set boxwidth 0.75
set xtics rotate by -35 left font ',9'
set yrange [0:*]
set bmargin 10
set key outside right top box opaque font ',9'
array colours[10] = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', \
                     '#8c564b', '#e377c2', '#bcbd22', '#17becf', '#393b79']
plot for [i=2:n+1] dir.'/'.file using i:xtic(1) title columnhead(i) \
     lc rgb (i == n + 1 ? '#aaaaaa' : colours[(i - 2) % 10 + 1])
