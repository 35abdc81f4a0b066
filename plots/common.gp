# plots/common.gp -- the look shared by every figure.  Each figure script
# is called with -e "dir='RESULTS/data'; out='RESULTS/NAME'; fmt='png'|'svg'"
# and draws one file; numbers come from the .dat files gclab writes.
if (fmt eq 'svg') {
    set terminal svg size 960,540 dynamic enhanced font 'sans,12' background rgb 'white'
    set output out.'.svg'
} else {
    set terminal pngcairo size 960,540 enhanced font 'sans,11' background rgb 'white'
    set output out.'.png'
}
set grid ytics lc rgb '#dddddd'
set border 3
set tics nomirror
set key outside right top box opaque
set datafile separator "\t"
set style fill solid 0.85 border -1
