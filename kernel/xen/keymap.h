/* keymap.h: the vkbd's keycodes to bytes (keymap.c), for kbdfront.c and
 * the host's unit test. */
#ifndef XEN_KEYMAP_H
#define XEN_KEYMAP_H

/* A Linux input keycode pressed with shift/ctrl held: the byte it types
 * (ctrl with a letter: 1-26; Enter and keypad Enter: '\r'; Backspace:
 * DEL), or -1 for a key that types nothing (modifiers, F keys ...). */
int xen_kbd_keychar(unsigned keycode, int shift, int ctrl);
#endif /* XEN_KEYMAP_H */
