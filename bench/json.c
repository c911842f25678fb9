/* json.c: a small recursive-descent JSON reader (objects, arrays, strings,
 * numbers, literals; depth-limited) and the string/number writers. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "json.h"

#define JSON_MAX_DEPTH 64

struct cursor {
	const char *p;
	const char *err;
	int depth;
};

static struct bench_json *value(struct cursor *c);

static void skip_ws(struct cursor *c)
{
	while (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r')
		c->p++;
}

static struct bench_json *fail(struct cursor *c, const char *why)
{
	if (!c->err)
		c->err = why;
	return NULL;
}

static struct bench_json *node(enum bench_jtype t)
{
	struct bench_json *j = calloc(1, sizeof(*j));

	if (j)
		j->type = t;
	return j;
}

static int hex4(const char *p, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		char ch = p[i];

		v <<= 4;
		if (ch >= '0' && ch <= '9')
			v |= (unsigned)(ch - '0');
		else if ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f')
			v |= (unsigned)((ch | 0x20) - 'a' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* Appends code point u as UTF-8 (surrogates become '?'). */
static char *put_utf8(char *o, unsigned u)
{
	if (u >= 0xd800 && u <= 0xdfff)
		u = '?';
	if (u < 0x80) {
		*o++ = (char)u;
	} else if (u < 0x800) {
		*o++ = (char)(0xc0 | u >> 6);
		*o++ = (char)(0x80 | (u & 0x3f));
	} else {
		*o++ = (char)(0xe0 | u >> 12);
		*o++ = (char)(0x80 | ((u >> 6) & 0x3f));
		*o++ = (char)(0x80 | (u & 0x3f));
	}
	return o;
}

static int escape(struct cursor *c, char **o)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e = strchr(from, *c->p);
	unsigned u;

	if (*c->p && e) {
		*(*o)++ = to[e - from];
		c->p++;
		return 0;
	}
	if (*c->p != 'u' || hex4(c->p + 1, &u))
		return -1;
	*o = put_utf8(*o, u);
	c->p += 5;
	return 0;
}

/* A string literal at c->p (on its opening quote); malloc'd result. */
static char *string(struct cursor *c)
{
	const char *end = c->p + 1;
	char *s, *o;

	while (*end && *end != '"')
		end += *end == '\\' && end[1] ? 2 : 1;
	if (*end != '"')
		return (char *)fail(c, "unterminated string");
	s = o = malloc((size_t)(end - c->p));
	if (!s)
		return (char *)fail(c, "out of memory");
	for (c->p++; *c->p != '"';) {
		if ((unsigned char)*c->p < 0x20) {
			free(s);
			return (char *)fail(c, "control character in string");
		}
		if (*c->p != '\\') {
			*o++ = *c->p++;
			continue;
		}
		c->p++;
		if (escape(c, &o)) {
			free(s);
			return (char *)fail(c, "bad escape");
		}
	}
	c->p++;
	*o = 0;
	return s;
}

static struct bench_json *number(struct cursor *c)
{
	struct bench_json *j;
	char *end;
	double v = strtod(c->p, &end);

	if (end == c->p || !isfinite(v))
		return fail(c, "bad number");
	j = node(BJ_NUM);
	if (!j)
		return fail(c, "out of memory");
	j->num = v;
	c->p = end;
	return j;
}

static struct bench_json *literal(struct cursor *c)
{
	static const char *const words[] = { "null", "false", "true" };

	for (unsigned i = 0; i < 3; i++) {
		size_t n = strlen(words[i]);
		struct bench_json *j;

		if (strncmp(c->p, words[i], n))
			continue;
		j = node(i ? BJ_BOOL : BJ_NULL);
		if (!j)
			return fail(c, "out of memory");
		j->num = i == 2;
		c->p += n;
		return j;
	}
	return fail(c, "unexpected character");
}

/* One member of an object: "key": value. */
static struct bench_json *member(struct cursor *c)
{
	struct bench_json *v;
	char *key;

	skip_ws(c);
	if (*c->p != '"')
		return fail(c, "expected a member name");
	key = string(c);
	if (!key)
		return NULL;
	skip_ws(c);
	if (*c->p != ':') {
		free(key);
		return fail(c, "expected ':'");
	}
	c->p++;
	v = value(c);
	if (!v) {
		free(key);
		return NULL;
	}
	v->key = key;
	return v;
}

/* An array or object: members separated by commas up to close. */
static struct bench_json *container(struct cursor *c, enum bench_jtype t,
				    char close)
{
	struct bench_json *j = node(t), **tail;

	if (!j)
		return fail(c, "out of memory");
	tail = &j->kid;
	c->p++;
	skip_ws(c);
	if (*c->p == close) {
		c->p++;
		return j;
	}
	for (;;) {
		*tail = t == BJ_OBJ ? member(c) : value(c);
		if (!*tail)
			break;
		tail = &(*tail)->next;
		skip_ws(c);
		if (*c->p == ',') {
			c->p++;
			continue;
		}
		if (*c->p == close) {
			c->p++;
			return j;
		}
		fail(c, "expected ',' or a closing bracket");
		break;
	}
	bench_json_free(j);
	return NULL;
}

static struct bench_json *value(struct cursor *c)
{
	struct bench_json *j;

	if (++c->depth > JSON_MAX_DEPTH)
		return fail(c, "nested too deeply");
	skip_ws(c);
	if (*c->p == '{') {
		j = container(c, BJ_OBJ, '}');
	} else if (*c->p == '[') {
		j = container(c, BJ_ARR, ']');
	} else if (*c->p == '"') {
		char *s = string(c);

		j = s ? node(BJ_STR) : NULL;
		if (j)
			j->str = s;
		else
			free(s);
	} else if (*c->p == '-' || (*c->p >= '0' && *c->p <= '9')) {
		j = number(c);
	} else {
		j = literal(c);
	}
	c->depth--;
	return j;
}

struct bench_json *bench_json_parse(const char *text, const char **err)
{
	struct cursor c = { text, NULL, 0 };
	struct bench_json *j = value(&c);

	if (j) {
		skip_ws(&c);
		if (*c.p) {
			bench_json_free(j);
			j = fail(&c, "trailing characters");
		}
	}
	if (!j && err)
		*err = c.err ? c.err : "out of memory";
	return j;
}

void bench_json_free(struct bench_json *j)
{
	while (j) {
		struct bench_json *next = j->next;

		bench_json_free(j->kid);
		free(j->str);
		free(j->key);
		free(j);
		j = next;
	}
}

const struct bench_json *bench_json_get(const struct bench_json *o,
					const char *key)
{
	if (!o || o->type != BJ_OBJ)
		return NULL;
	for (const struct bench_json *k = o->kid; k; k = k->next)
		if (!strcmp(k->key, key))
			return k;
	return NULL;
}

double bench_json_num(const struct bench_json *o, const char *key,
		      double dflt)
{
	const struct bench_json *v = bench_json_get(o, key);

	return v && v->type == BJ_NUM ? v->num : dflt;
}

const char *bench_json_str(const struct bench_json *o, const char *key)
{
	const struct bench_json *v = bench_json_get(o, key);

	return v && v->type == BJ_STR ? v->str : NULL;
}

char *bench_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);

	while (f && buf) {
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		char *bigger;

		n += got;
		if (n + 1 < cap)
			break;
		cap *= 2;
		bigger = realloc(buf, cap);
		if (!bigger)
			free(buf);
		buf = bigger;
	}
	if (!f || !buf || ferror(f)) {
		free(buf);
		buf = NULL;
	} else {
		buf[n] = 0;
		if (len)
			*len = n;
	}
	if (f)
		fclose(f);
	return buf;
}

void bench_json_put_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

void bench_json_put_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.10g", v);
	else
		fputs("null", f);
}
