# plot.gp: bench/run's plot: per-call cost of each dispatch variant per op,
# and patching cost per site against table size.  Needs ops, patch, out.
set terminal svg size 1100,480 dynamic noenhanced font 'sans,11' \
	background rgb 'white'
set output out
set multiplot layout 1,2

set title 'Cost per call (TSC ticks, median, net of loop)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y
set yrange [0.05:2000]
set ylabel 'ticks per call (log)'
set xtics nomirror rotate by -20
set key top left font ',9' maxrows 3 width -2
set grid ytics
plot for [c=2:8] ops using c:xtic(1) title columnheader(c)

unset logscale y
unset yrange
set title 'Patching cost per site (pv_patch_table, CPU ns, median, p10-p90)'
set style data linespoints
set logscale x
set xrange [500:2000000]
set xtics ("1k" 1000, "10k" 10000, "100k" 100000, "1M" 1000000)
set xlabel 'sites in the table (log)'
set ylabel 'ns per site'
set yrange [0:*]
set xtics norotate
set key off
set grid xtics ytics
plot patch using 1:2:3:4 with yerrorlines lw 2 pt 7

unset multiplot
