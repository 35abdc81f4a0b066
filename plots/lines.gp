# plots/lines.gp -- one line per collector from a long table: x, y,
# series index (column 3) and blocks separated by two blank lines, one
# per series; the series' name is the block's first line (column head).
# Extra -e: file, xtitle, ytitle, title, logx (0/1), logy (0/1), style
set title title
set xlabel xtitle
set ylabel ytitle
if (logx) { set logscale x }
if (logy) { set logscale y }
# n: the number of series (blocks), given by gclab
plot for [i=0:n-1] dir.'/'.file index i using 1:2 with @style lw 2 title columnhead(1)
