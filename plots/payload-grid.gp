# plots/payload-grid.gp -- cyclotron's grid along the payload axis: the
# retained-garbage peak of the object trigger and of the byte trigger
# against the payload each ring carries, log-log.  payload-grid.dat:
# payload bytes, object trigger MB, byte trigger MB (payload 0 is
# drawn at 100 bytes).  Extra -e: file, title, bytes (the threshold).
load 'plots/common.gp'
set title title
set logscale xy
set xlabel 'payload per ring (bytes; 0 drawn at 100)'
set ylabel 'retained garbage, peak (MB; oracle mark)'
set xtics ('0' 100, '1 KB' 1024, '10 KB' 10240, '100 KB' 102400)
plot dir.'/'.file using ($1 > 0 ? $1 : 100):2 with linespoints lw 2 pt 7 title 'object trigger (cpython, 2000 containers)', \
     dir.'/'.file using ($1 > 0 ? $1 : 100):3 with linespoints lw 2 pt 5 title 'byte trigger (cpython:bytes='.bytes.' kB)'
