/* fbrender.c: the host's side of the DomU screen tests (issue 14): draws
 * the text a guest printed with `screen hold` using the kernel's own font
 * and drawing code, compares it with a screenshot, writes PPM and PNG. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "core/fbtext.h"

static const char *prog = "fbrender";

struct image {
	unsigned w, h;
	unsigned char *rgb; /* w * h * 3 */
};

static int fail(const char *file, const char *where, const char *what)
{
	fprintf(stderr, "%s: %s: %s: %s\n", prog, file, where, what);
	return 1;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: fbrender DUMP OUT.ppm          draw a `screen hold` dump\n"
		"       fbrender --compare DUMP SHOT.ppm [DIFF.ppm]\n"
		"                                      draw it, count the pixels that differ\n"
		"       fbrender --png IN.ppm OUT.png  convert (zlib, RGB, 8 bits)\n"
		"DUMP: the lines from 'screen: held: WxH, CxR cells' to 'screen: end'\n"
		"(any prefix before 'screen:' is ignored, as is anything else).\n");
	return 2;
}

/* One row line: "screen: row NN ATTRS |TEXT|" into the grid. */
static int parse_row(struct fbtext *t, const char *s, unsigned *seen)
{
	unsigned r, n = 0;
	const char *a, *x;

	if (sscanf(s, "screen: row %u %n", &r, (int *)&n) != 1 || !n ||
	    r >= t->rows)
		return -1;
	a = s + n;
	x = strchr(a, '|');
	if (!x || (unsigned)(x - a) != t->cols + 1 ||
	    strlen(x) < t->cols + 2 || x[t->cols + 1] != '|')
		return -1;
	for (unsigned c = 0; c < t->cols; c++) {
		unsigned at = (unsigned)(a[c] - '0');

		if (at >= FBTEXT_NR_ATTRS)
			return -1;
		t->want[r][c] = (struct fbtext_cell){ x[1 + c], (unsigned char)at };
	}
	seen[r] = 1;
	return 0;
}

static int read_dump(const char *file, struct fbtext *t, unsigned *w,
		     unsigned *h)
{
	FILE *f = fopen(file, "r");
	char line[1024], where[32];
	unsigned seen[FBTEXT_MAX_ROWS] = { 0 }, cols, rows, ln = 0;
	int head = 0, end = 0;

	if (!f)
		return fail(file, "open", strerror(errno));
	while (!end && fgets(line, sizeof(line), f)) {
		char *s = strstr(line, "screen: ");

		ln++;
		snprintf(where, sizeof(where), "line %u", ln);
		if (!s)
			continue;
		s[strcspn(s, "\r\n")] = 0;
		if (!head && sscanf(s, "screen: held: %ux%u, %ux%u cells", w, h,
				    &cols, &rows) == 4) {
			if (*w > 800 || *h > 600 || cols != *w / FONT_W ||
			    rows != *h / FONT_H) {
				fclose(f);
				return fail(file, where, "bad geometry");
			}
			fbtext_reset(t, *w, *h);
			head = 1;
		} else if (head && !strncmp(s, "screen: row ", 12)) {
			if (parse_row(t, s, seen)) {
				fclose(f);
				return fail(file, where, "bad row line");
			}
		} else if (head && !strcmp(s, "screen: end")) {
			end = 1;
		}
	}
	fclose(f);
	if (!head || !end)
		return fail(file, "end of file", "no complete 'screen: held' dump");
	for (unsigned r = 0; r < t->rows; r++)
		if (!seen[r])
			return fail(file, "rows", "a row is missing");
	return 0;
}

static void noop_rect(const struct fbtext_rect *r, void *arg)
{
	(void)r, (void)arg;
}

/* The same fbtext_flush the kernel runs, into a 32 bpp buffer. */
static int render(struct fbtext *t, unsigned w, unsigned h, struct image *im)
{
	struct fbtext_fb fb = { calloc((size_t)w * h, 4), w, h, w * 4 };

	if (!fb.pix)
		return -1;
	fbtext_flush(t, &fb, noop_rect, NULL);
	im->w = w, im->h = h;
	im->rgb = malloc((size_t)w * h * 3);
	for (size_t i = 0; im->rgb && i < (size_t)w * h; i++) {
		im->rgb[3 * i] = (unsigned char)(fb.pix[i] >> 16);
		im->rgb[3 * i + 1] = (unsigned char)(fb.pix[i] >> 8);
		im->rgb[3 * i + 2] = (unsigned char)fb.pix[i];
	}
	free(fb.pix);
	return im->rgb ? 0 : -1;
}

static int write_ppm(const char *file, const struct image *im)
{
	FILE *f = fopen(file, "wb");
	int bad;

	if (!f)
		return fail(file, "open", strerror(errno));
	fprintf(f, "P6\n%u %u\n255\n", im->w, im->h);
	bad = fwrite(im->rgb, 3, (size_t)im->w * im->h, f) !=
	      (size_t)im->w * im->h;
	if (fclose(f) || bad)
		return fail(file, "write", strerror(errno));
	return 0;
}

/* Binary P6, maxval 255, no comments (what QEMU's screendump writes). */
static int read_ppm(const char *file, struct image *im)
{
	FILE *f = fopen(file, "rb");
	unsigned max;
	size_t n;

	if (!f)
		return fail(file, "open", strerror(errno));
	if (fscanf(f, "P6 %u %u %u", &im->w, &im->h, &max) != 3 ||
	    max != 255 || fgetc(f) == EOF || !im->w || !im->h ||
	    im->w > 8192 || im->h > 8192) {
		fclose(f);
		return fail(file, "header", "not a binary PPM (P6, maxval 255)");
	}
	n = (size_t)im->w * im->h * 3;
	im->rgb = malloc(n);
	if (!im->rgb || fread(im->rgb, 1, n, f) != n) {
		fclose(f);
		return fail(file, "pixels", "file too short");
	}
	fclose(f);
	return 0;
}

static void be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

static int png_chunk(FILE *f, const char *type, const unsigned char *d,
		     size_t n)
{
	unsigned char b[4];
	uLong crc = crc32(0, (const Bytef *)type, 4);

	if (n) /* crc32(crc, NULL, 0) restarts: it returns 0 */
		crc = crc32(crc, d, (uInt)n);
	be32(b, (uint32_t)n);
	if (fwrite(b, 1, 4, f) != 4 || fwrite(type, 1, 4, f) != 4 ||
	    (n && fwrite(d, 1, n, f) != n))
		return -1;
	be32(b, (uint32_t)crc);
	return fwrite(b, 1, 4, f) == 4 ? 0 : -1;
}

/* Rows with filter 0, deflated once: screens of text compress well. */
static int write_png(const char *file, const struct image *im)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r',
					      '\n', 0x1a, '\n' };
	size_t row = (size_t)im->w * 3 + 1, raw_n = row * im->h;
	unsigned char ihdr[13] = { 0 }, *raw = malloc(raw_n), *z;
	uLongf zn = compressBound((uLong)raw_n);
	FILE *f;
	int bad;

	z = malloc(zn);
	if (!raw || !z)
		return fail(file, "memory", "out of memory");
	for (unsigned y = 0; y < im->h; y++) {
		raw[y * row] = 0;
		memcpy(raw + y * row + 1, im->rgb + (size_t)y * im->w * 3,
		       row - 1);
	}
	if (compress2(z, &zn, raw, (uLong)raw_n, 9) != Z_OK)
		return fail(file, "deflate", "zlib failed");
	be32(ihdr, im->w), be32(ihdr + 4, im->h);
	ihdr[8] = 8, ihdr[9] = 2; /* 8 bits, RGB */
	f = fopen(file, "wb");
	if (!f)
		return fail(file, "open", strerror(errno));
	bad = fwrite(sig, 1, 8, f) != 8 || png_chunk(f, "IHDR", ihdr, 13) ||
	      png_chunk(f, "IDAT", z, zn) || png_chunk(f, "IEND", NULL, 0);
	if (fclose(f) || bad)
		return fail(file, "write", strerror(errno));
	free(raw);
	free(z);
	return 0;
}

/* Pixels that differ; the diff image marks them red on a dimmed copy. */
static int compare(const char *dump, const char *shot, const char *diff)
{
	static struct fbtext t;
	struct image want, got;
	unsigned w, h;
	size_t n = 0, total;

	if (read_dump(dump, &t, &w, &h) || read_ppm(shot, &got))
		return 1;
	if (render(&t, w, h, &want))
		return fail(dump, "render", "out of memory");
	if (got.w != w || got.h != h) {
		fprintf(stderr, "%s: %s: size: %ux%u, the dump says %ux%u\n",
			prog, shot, got.w, got.h, w, h);
		return 1;
	}
	total = (size_t)w * h;
	for (size_t i = 0; i < total; i++) {
		int same = !memcmp(want.rgb + 3 * i, got.rgb + 3 * i, 3);

		n += !same;
		want.rgb[3 * i] = same ? got.rgb[3 * i] / 3 : 255;
		want.rgb[3 * i + 1] = same ? got.rgb[3 * i + 1] / 3 : 0;
		want.rgb[3 * i + 2] = same ? got.rgb[3 * i + 2] / 3 : 0;
	}
	printf("fbrender: %s: %ux%u, %zu of %zu pixels differ from %s\n", shot,
	       w, h, n, total, dump);
	if (diff && n && write_ppm(diff, &want))
		return 1;
	return n ? 1 : 0;
}

int main(int argc, char **argv)
{
	static struct fbtext t;
	struct image im;
	unsigned w, h;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage();
		return 0;
	}
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "--compare"))
		return compare(argv[2], argv[3], argc == 5 ? argv[4] : NULL);
	if (argc == 4 && !strcmp(argv[1], "--png"))
		return read_ppm(argv[2], &im) || write_png(argv[3], &im);
	if (argc != 3 || argv[1][0] == '-')
		return usage();
	if (read_dump(argv[1], &t, &w, &h))
		return 1;
	if (render(&t, w, h, &im))
		return fail(argv[1], "render", "out of memory");
	return write_ppm(argv[2], &im);
}
