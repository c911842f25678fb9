/* font8x16.h: the kernel's 8x16 bitmap font (font8x16.c), freestanding so
 * that the host's renderer (tools/fbrender.c) compiles the same table. */
#ifndef FONT8X16_H
#define FONT8X16_H

#define FONT_W 8
#define FONT_H 16
#define FONT_FIRST 0x20 /* ' ' */
#define FONT_GLYPHS 95  /* ' ' .. '~'; anything else is drawn as '?' */

extern const unsigned char font8x16[FONT_GLYPHS][FONT_H];
#endif /* FONT8X16_H */
