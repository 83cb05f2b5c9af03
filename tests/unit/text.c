/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for common/text.c: what XML can carry. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "xt.h"

#define R "\xef\xbf\xbd"	/* U+FFFD */

/* Sanitize in (given length) and compare with exp and the count. */
static void
check(const char *in, size_t len, const char *exp, size_t exp_count,
    const char *name)
{
	size_t count = 99;
	char *out = xt_text_sanitize(in, len, &count);

	is(out, exp, name);
	ok(count == exp_count, "%s: %zu replaced (got %zu)", name, exp_count,
	    count);
	free(out);
}

#define CHECK(in, exp, n, name) check(in, sizeof(in) - 1, exp, n, name)

static void
test_valid(void)
{
	CHECK("", "", 0, "empty");
	CHECK("hello, world", "hello, world", 0, "ascii");
	CHECK("a\tb\nc\rd", "a\tb\nc\rd", 0, "tab, newline, cr kept");
	CHECK("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "caf\xc3\xa9 "
	    "\xe2\x82\xac \xf0\x9f\x98\x80", 0, "2, 3 and 4 byte UTF-8");
	CHECK("\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80",
	    "\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80", 0,
	    "boundaries U+0080 U+07FF U+0800 U+D7FF U+E000");
	CHECK("\xef\xbf\xbd\xf0\x90\x80\x80\xf4\x8f\xbf\xbf",
	    "\xef\xbf\xbd\xf0\x90\x80\x80\xf4\x8f\xbf\xbf", 0,
	    "boundaries U+FFFD U+10000 U+10FFFF");
	CHECK("\x7f\xc2\x85\xef\xb7\x90", "\x7f\xc2\x85\xef\xb7\x90", 0,
	    "DEL, NEL, U+FDD0 are XML characters");
}

static void
test_controls(void)
{
	CHECK("a\x01" "b", "a" R "b", 1, "C0 control");
	CHECK("\x1b[31mred\x1b[0m", R "[31mred" R "[0m", 2, "ANSI escapes");
	CHECK("a\0b", "a" R "b", 1, "NUL inside the length");
	CHECK("\x0b\x0c", R R, 2, "vertical tab and form feed");
	CHECK("\xef\xbf\xbe|\xef\xbf\xbf", R "|" R, 2, "U+FFFE, U+FFFF");
}

static void
test_invalid(void)
{
	CHECK("\xc0\xaf", R R, 2, "overlong slash (C0 AF)");
	CHECK("\xe0\x80\xaf", R R R, 3, "overlong 3 bytes");
	CHECK("\xf0\x80\x80\xaf", R R R R, 4, "overlong 4 bytes");
	CHECK("\xed\xa0\x80", R R R, 3, "surrogate U+D800");
	CHECK("\xed\xbf\xbf", R R R, 3, "surrogate U+DFFF");
	CHECK("\xf4\x90\x80\x80", R R R R, 4, "U+110000");
	CHECK("\xf5\x80\x80\x80", R R R R, 4, "F5 lead");
	CHECK("\xff\xfe", R R, 2, "FF FE");
	CHECK("a\x80" "b", "a" R "b", 1, "lone continuation byte");
	CHECK("caf\xe9!", "caf" R "!", 1, "Latin-1 e acute");
	CHECK("\xe2\x82" "A", R "A", 1, "truncated 3-byte keeps next char");
	CHECK("x\xf0\x9f\x98", "x" R, 1, "truncated 4-byte at end");
	CHECK("\xc3", R, 1, "lone lead at end");
	CHECK("\xe2\x82\xe2\x82\xac", R "\xe2\x82\xac", 1,
	    "truncated then valid");
}

static void
test_prefix(void)
{
	ok(xt_text_valid_prefix("abcdefghijklmnop", 16) == 16, "prefix all");
	ok(xt_text_valid_prefix("abcdefghij\x01klmnop", 17) == 10,
	    "prefix stops at control in second word");
	ok(xt_text_valid_prefix("abcdefg\xc3\xa9xyz", 12) == 12,
	    "prefix crosses UTF-8 at word edge");
	ok(xt_text_valid_prefix("abcdefg\xc3", 8) == 7,
	    "prefix stops before truncated lead");
	ok(xt_text_valid_prefix("\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f", 8) == 8,
	    "DEL passes the word test");
}

/* Every single byte value in every position of a word, against a
 * byte-at-a-time reference, to check the word-at-a-time path. */
static void
test_words(void)
{
	char buf[24];
	size_t pos, exp, got, fails = 0;
	int c;

	for (c = 0; c < 256; c++) {
		for (pos = 0; pos < sizeof(buf); pos++) {
			memset(buf, 'a', sizeof(buf));
			buf[pos] = (char)c;
			exp = (c >= 0x20 && c < 0x80) || c == '\t' ||
			    c == '\n' || c == '\r' ? sizeof(buf) : pos;
			got = xt_text_valid_prefix(buf, sizeof(buf));
			if (got != exp)
				fails++;
		}
	}
	ok(fails == 0, "word path agrees with byte path (%zu failures)",
	    fails);
}

static void
test_large(void)
{
	size_t n = 1 << 20, count;
	char *in = malloc(n), *out;

	memset(in, 'x', n);
	in[n / 2] = '\x02';
	out = xt_text_sanitize(in, n, &count);
	ok(out != NULL && count == 1 && strlen(out) == n + 2 &&
	    memcmp(out + n / 2, R, 3) == 0, "1 MiB with one control");
	free(out);
	out = xt_text_sanitize(in, n, NULL);
	ok(out != NULL, "NULL count pointer allowed");
	free(out);
	free(in);
}

/* What must not reach a terminal raw. */
static void
test_unsafe(void)
{
	static const struct {
		const char *s;
		size_t len;
		long cp;
	} bad[] = {
		{ "\x1b[2J", 1, 0x1b }, { "\n", 1, '\n' }, { "\x7f", 1, 0x7f },
		{ "\xc2\x85", 2, 0x85 }, { "\xc2\x9b" "31m", 2, 0x9b },
		{ "\xe2\x80\xa8", 3, 0x2028 }, { "\xe2\x80\xa9", 3, 0x2029 },
		{ "\xe2\x80\xae", 3, 0x202e }, { "\xe2\x81\xa6", 3, 0x2066 },
		{ "\xe2\x80\x8f", 3, 0x200f }, { "\xd8\x9c", 2, 0x061c },
		{ "\xff", 1, -1 }, { "\x9b", 1, -1 },
	};
	static const char *const good[] = {
		"a", "\xc2\xa0", "\xc3\xa9", "\xe2\x80\xa7", "\xe2\x80\xaf",
		"\xe2\x81\xa5", "\xe2\x81\xaa", "\xf0\x9f\x98\x80",
	};
	size_t i;
	long cp;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cp = 0;
		ok(xt_text_unsafe(bad[i].s, strlen(bad[i].s), &cp) ==
		    bad[i].len && cp == bad[i].cp, "unsafe %zu: U+%04lX, %zu "
		    "bytes (got U+%04lX)", i, bad[i].cp, bad[i].len, cp);
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ok(xt_text_unsafe(good[i], strlen(good[i]), &cp) == 0,
		    "safe %zu", i);
	ok(xt_text_safe_prefix("caf\xc3\xa9 \xc2\x9b" "x", 9) == 6,
	    "safe prefix stops at U+009B");
	ok(xt_text_safe_prefix("plain \xe2\x82\xac", 9) == 9,
	    "safe prefix: all of a plain text");
	ok(xt_text_safe_prefix("ab\xe2\x82", 4) == 2,
	    "safe prefix stops at a cut sequence");
}

int
main(void)
{
	test_valid();
	test_controls();
	test_invalid();
	test_prefix();
	test_words();
	test_large();
	test_unsafe();
	return done_testing();
}
