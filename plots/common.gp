# plots/common.gp -- the look shared by every figure.  gclab plot runs
#   gnuplot -e "dir='data'; file='NAME.dat'; out='NAME'; fmt='png'|'svg';
#               n=SERIES; ..." common.gp FIGURE.gp
# in the results directory, as an argument vector (no shell): this file
# first, then the figure's script, which draws one file from the .dat
# file gclab wrote.  Text is not "enhanced": names such as update_refs
# keep their underscores.
if (fmt eq 'svg') {
    set terminal svg size 960,540 dynamic noenhanced font 'sans,12' background rgb 'white'
    set output out.'.svg'
} else {
    set terminal pngcairo size 960,540 noenhanced font 'sans,11' background rgb 'white'
    set output out.'.png'
}
set grid ytics lc rgb '#dddddd'
set border 3
set tics nomirror
set key outside right top box opaque
set datafile separator "\t"
set style fill solid 0.85 border -1
