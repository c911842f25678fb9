/* fbtext.h: a text grid drawn with font8x16 into a 32 bpp framebuffer,
 * redrawing only the cells that changed; kernel and host renderer alike. */
#ifndef FBTEXT_H
#define FBTEXT_H

#include <stdint.h>
#include "core/font8x16.h"

#define FBTEXT_MAX_COLS 100 /* 800 / FONT_W */
#define FBTEXT_MAX_ROWS 37  /* 600 / FONT_H */

/* Cell colours (an index per cell, printed as a digit by `screen hold`). */
enum fbtext_attr {
	FBTEXT_NORMAL, /* light grey on black */
	FBTEXT_TITLE,  /* black on cyan: the title bar */
	FBTEXT_HEAD,   /* yellow: headings */
	FBTEXT_GOOD,   /* green */
	FBTEXT_BAD,    /* red */
	FBTEXT_DIM,    /* dark grey */
	FBTEXT_NR_ATTRS
};

struct fbtext_cell {
	char ch;
	unsigned char attr;
};

/* want: what the screen should show; shown: what the pixels hold. */
struct fbtext {
	unsigned cols, rows;
	struct fbtext_cell want[FBTEXT_MAX_ROWS][FBTEXT_MAX_COLS];
	struct fbtext_cell shown[FBTEXT_MAX_ROWS][FBTEXT_MAX_COLS];
};

/* A 32 bpp (0x00RRGGBB) pixel buffer, stride in bytes. */
struct fbtext_fb {
	uint32_t *pix;
	unsigned width, height, stride;
};

/* A changed rectangle, in pixels. */
struct fbtext_rect {
	unsigned x, y, w, h;
};

/* Size the grid to the framebuffer; forgets what was shown. */
void fbtext_reset(struct fbtext *t, unsigned width, unsigned height);
void fbtext_clear(struct fbtext *t);
/* Writes s at (col, row), clipped to the row; returns the next column. */
unsigned fbtext_put(struct fbtext *t, unsigned col, unsigned row,
		    const char *s, unsigned attr);
void fbtext_fill(struct fbtext *t, unsigned row, unsigned attr);
/* Draws one cell's pixels. */
void fbtext_draw_cell(const struct fbtext_fb *fb, unsigned col, unsigned row,
		      char ch, unsigned attr);
/*
 * Draws every cell whose want differs from shown; each run of changed
 * rows becomes one rectangle (the union of their changed columns),
 * passed to fn.  Returns how many rectangles.
 */
unsigned fbtext_flush(struct fbtext *t, const struct fbtext_fb *fb,
		      void (*fn)(const struct fbtext_rect *r, void *arg),
		      void *arg);
/* The colours of an attribute (0x00RRGGBB). */
uint32_t fbtext_fg(unsigned attr);
uint32_t fbtext_bg(unsigned attr);
#endif /* FBTEXT_H */
