/* json.h: the little JSON the benchmarks need: a string writer for their
 * outputs and a small reader for the files the report merges. */
#ifndef BENCH_JSON_H
#define BENCH_JSON_H

#include <stddef.h>
#include <stdio.h>

enum bench_jtype { BJ_NULL, BJ_BOOL, BJ_NUM, BJ_STR, BJ_ARR, BJ_OBJ };

/* A parsed value; arrays and objects chain their members through next. */
struct bench_json {
	enum bench_jtype type;
	double num;              /* BJ_NUM; BJ_BOOL as 0 or 1 */
	char *str;               /* BJ_STR */
	char *key;               /* member name when inside an object */
	struct bench_json *kid;  /* first member of an array or object */
	struct bench_json *next; /* next member of the enclosing container */
};

/* Parses text; NULL with *err set to a short reason on bad input. */
struct bench_json *bench_json_parse(const char *text, const char **err);
void bench_json_free(struct bench_json *j);
const struct bench_json *bench_json_get(const struct bench_json *o,
					const char *key);
double bench_json_num(const struct bench_json *o, const char *key,
		      double dflt);
const char *bench_json_str(const struct bench_json *o, const char *key);

/* Reads a whole file, NUL-terminated; NULL if it cannot. */
char *bench_read_file(const char *path, size_t *len);

/* Writes s as a JSON string literal. */
void bench_json_put_str(FILE *f, const char *s);
/* Writes a number, or null if it is not finite. */
void bench_json_put_num(FILE *f, double v);
#endif /* BENCH_JSON_H */
