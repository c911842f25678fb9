/* printk.c: a small printf (%s %d %i %u %x %X %p %c %%, l/ll/z, width,
 * zero pad, left align) and printk, which writes through console_write. */
#include "core/kernel.h"
#include "pv/pvcalls.h"

struct out {
	char *buf;
	size_t n, pos;
};

static void put(struct out *o, char c)
{
	if (o->pos + 1 < o->n)
		o->buf[o->pos] = c;
	o->pos++;
}

static void pad(struct out *o, int count, char c)
{
	while (count-- > 0)
		put(o, c);
}

struct spec {
	int width, zero, left;
};

static void put_str(struct out *o, const char *s, const struct spec *sp)
{
	int len = (int)strlen(s);

	if (!sp->left)
		pad(o, sp->width - len, ' ');
	while (*s)
		put(o, *s++);
	if (sp->left)
		pad(o, sp->width - len, ' ');
}

static void put_num(struct out *o, unsigned long long v, unsigned base,
		    int neg, int upper, const struct spec *sp)
{
	const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, len;

	do {
		tmp[n++] = dig[v % base];
		v /= base;
	} while (v);
	len = n + neg;
	if (!sp->left && !sp->zero)
		pad(o, sp->width - len, ' ');
	if (neg)
		put(o, '-');
	if (!sp->left && sp->zero)
		pad(o, sp->width - len, '0');
	while (n)
		put(o, tmp[--n]);
	if (sp->left)
		pad(o, sp->width - len, ' ');
}

/* Reads a numeric argument of the given length modifier (0, 1 l, 2 ll). */
static unsigned long long get_arg(va_list *ap, int lng, int sgn, int *neg)
{
	long long s;

	*neg = 0;
	if (!sgn)
		return lng == 2 ? va_arg(*ap, unsigned long long) :
		       lng == 1 ? va_arg(*ap, unsigned long) :
				  va_arg(*ap, unsigned int);
	s = lng == 2 ? va_arg(*ap, long long) :
	    lng == 1 ? va_arg(*ap, long) : va_arg(*ap, int);
	if (s < 0) {
		*neg = 1;
		return 0ull - (unsigned long long)s;
	}
	return (unsigned long long)s;
}

static const char *parse_spec(const char *f, struct spec *sp, int *lng)
{
	*sp = (struct spec){ 0, 0, 0 };
	for (; *f == '0' || *f == '-'; f++)
		*(*f == '0' ? &sp->zero : &sp->left) = 1;
	for (; *f >= '0' && *f <= '9'; f++)
		sp->width = sp->width * 10 + (*f - '0');
	for (*lng = 0; *f == 'l' || *f == 'z'; f++)
		*lng = *f == 'z' ? 1 : *lng + 1;
	return f;
}

static void convert(struct out *o, char c, const struct spec *sp, int lng,
		    va_list *ap)
{
	int neg;
	unsigned long long v;
	const char *s;

	switch (c) {
	case 'd':
	case 'i':
		v = get_arg(ap, lng, 1, &neg);
		put_num(o, v, 10, neg, 0, sp);
		break;
	case 'u':
	case 'x':
	case 'X':
		v = get_arg(ap, lng, 0, &neg);
		put_num(o, v, c == 'u' ? 10 : 16, 0, c == 'X', sp);
		break;
	case 'p':
		put_num(o, (uintptr_t)va_arg(*ap, void *), 16, 0, 0,
			&(struct spec){ 16, 1, 0 });
		break;
	case 'c':
		put(o, (char)va_arg(*ap, int));
		break;
	case 's':
		s = va_arg(*ap, const char *);
		put_str(o, s ? s : "(null)", sp);
		break;
	default:
		put(o, '%');
		put(o, c);
	}
}

int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
	struct out o = { buf, n, 0 };
	va_list aq;

	va_copy(aq, ap);
	for (const char *f = fmt; *f; f++) {
		struct spec sp;
		int lng;

		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		f = parse_spec(f + 1, &sp, &lng);
		if (!*f)
			break;
		if (*f == '%')
			put(&o, '%');
		else
			convert(&o, *f, &sp, lng, &aq);
	}
	va_end(aq);
	if (n)
		buf[o.pos < n ? o.pos : n - 1] = 0;
	return (int)o.pos;
}

int snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}

volatile unsigned long console_out_bytes;

void printk(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	pv_console_write(buf, (unsigned long)n);
}

void panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk("panic: %s\n", buf);
	kernel_finish(0);
}
