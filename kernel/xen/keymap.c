/* keymap.c: Linux input keycodes (what a vkbd backend sends) to bytes, US
 * layout; freestanding, so the host's unit test compiles it as it is. */
#include "xen/keymap.h"

#define KEY_KPENTER 96
#define KEY_TABLE 58 /* keycodes 0-57 carry the US layout's characters */

/* Keycode -> character, plain and shifted; '\0' where there is none.
 * 14 is backspace (DEL, as a terminal sends), 28 enter. */
static const char plain[KEY_TABLE + 1] =
	"\0\0331234567890-=\177\tqwertyuiop[]\r\0asdfghjkl;'`\0\\zxcvbnm,./"
	"\0*\0 ";
static const char shifted[KEY_TABLE + 1] =
	"\0\033!@#$%^&*()_+\177\tQWERTYUIOP{}\r\0ASDFGHJKL:\"~\0|ZXCVBNM<>?"
	"\0*\0 ";

int xen_kbd_keychar(unsigned keycode, int shift, int ctrl)
{
	char c;

	if (keycode == KEY_KPENTER)
		return '\r';
	if (keycode >= KEY_TABLE)
		return -1;
	c = shift ? shifted[keycode] : plain[keycode];
	if (!c)
		return -1;
	if (ctrl && c >= 'a' && c <= 'z')
		return c & 0x1f;
	return (unsigned char)c;
}

