/* SPDX-License-Identifier: GPL-3.0-or-later */
/* text.c: make any byte string into text that XML 1.0 and XMPP can carry. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xt.h"

/* U+FFFD REPLACEMENT CHARACTER in UTF-8. */
static const char fffd[3] = { '\xef', '\xbf', '\xbd' };

/*
 * Look at the character starting at p (n > 0 bytes available). Returns its
 * length if XML 1.0 allows it (RFC 3629 UTF-8, production [2] Char), else
 * 0 with *bad set to how many bytes one U+FFFD replaces. Like the WHATWG
 * decoder, a broken sequence is replaced up to the first byte that cannot
 * continue it, so "\xe2\x82" followed by "A" keeps the "A".
 */
static size_t
char_len(const unsigned char *p, size_t n, size_t *bad)
{
	unsigned c = p[0], lo = 0x80, hi = 0xbf;
	size_t need, i;

	*bad = 1;
	if (c < 0x80)
		return c >= 0x20 || c == '\t' || c == '\n' || c == '\r';
	/* a continuation byte, an overlong lead, or beyond U+10FFFF */
	if (c < 0xc2 || c > 0xf4)
		return 0;
	need = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	/* Second-byte ranges that exclude overlongs, surrogates and values
	 * above U+10FFFF (RFC 3629 section 4). */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	for (i = 1; i < need; i++) {
		if (i >= n || p[i] < lo || p[i] > hi) {
			*bad = i;
			return 0;
		}
		lo = 0x80;
		hi = 0xbf;
	}
	/* U+FFFE and U+FFFF are well-formed but not XML characters. */
	if (c == 0xef && p[1] == 0xbf && p[2] >= 0xbe) {
		*bad = 3;
		return 0;
	}
	return need;
}

/* Whether any of the 8 bytes in w is >= 0x80 or < 0x20 (bit tricks from
 * "Bit Twiddling Hacks", hasless(w, 0x20)). */
static int
word_suspect(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ULL;

	return ((w - ones * 0x20) & ~w & ones * 0x80) != 0 ||
	    (w & ones * 0x80) != 0;
}

size_t
xt_text_valid_prefix(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n, bad;
	uint64_t w;

	while (i < len) {
		/* Plain printable ASCII, the bulk of every message, goes
		 * eight bytes at a time. */
		if (len - i >= 8) {
			memcpy(&w, p + i, 8);
			if (!word_suspect(w)) {
				i += 8;
				continue;
			}
		}
		if (p[i] >= 0x20 && p[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = char_len(p + i, len - i, &bad)) == 0)
			break;
		i += n;
	}
	return i;
}

/* Copy s to out (if not NULL) replacing what XML cannot carry; returns the
 * output length and counts the replacements in *count. */
static size_t
sanitize_into(const char *s, size_t len, char *out, size_t *count)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0, n, bad;

	*count = 0;
	while (i < len) {
		n = xt_text_valid_prefix(s + i, len - i);
		if (out != NULL)
			memcpy(out + o, s + i, n);
		i += n;
		o += n;
		if (i == len)
			break;
		char_len(p + i, len - i, &bad);
		if (out != NULL)
			memcpy(out + o, fffd, 3);
		i += bad;
		o += 3;
		(*count)++;
	}
	return o;
}

char *
xt_text_sanitize(const char *s, size_t len, size_t *replaced)
{
	size_t n, count = 0;
	char *out;

	n = xt_text_valid_prefix(s, len);
	if (n == len) {
		/* Nothing to replace: one copy, no second pass. */
		if ((out = malloc(len + 1)) == NULL)
			return NULL;
		memcpy(out, s, len);
	} else {
		/* Size the result exactly rather than reserving three bytes
		 * per input byte for a multi-megabyte body. */
		n = sanitize_into(s, len, NULL, &count);
		if ((out = malloc(n + 1)) == NULL)
			return NULL;
		sanitize_into(s, len, out, &count);
		len = n;
	}
	out[len] = '\0';
	if (replaced != NULL)
		*replaced = count;
	return out;
}

/*
 * Characters that must not reach a terminal raw: C0 controls and DEL (an
 * ESC starts a sequence that moves the cursor, retitles the window or
 * worse), C1 controls (U+009B is a CSI of its own on many terminals,
 * U+0085 a line end), the line and paragraph separators, and the marks
 * and overrides of bidirectional text (U+202E shows "exe.txt" for
 * "txt.exe").
 */
static int
unsafe_cp(unsigned long cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c ||
	    cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069);
}

/* The length of the character at s (len > 0), its code point in *cp
 * (-1 for bytes that are not UTF-8 XML can carry), and whether it is
 * unsafe. */
static size_t
classify(const unsigned char *p, size_t len, long *cp, int *unsafe)
{
	unsigned long c;
	size_t n, bad, i;

	if (p[0] < 0x80) {
		*cp = p[0];
		*unsafe = unsafe_cp(p[0]);
		return 1;
	}
	*unsafe = 1;
	if ((n = char_len(p, len, &bad)) == 0) {
		*cp = -1;
		return bad;
	}
	c = n == 2 ? p[0] & 0x1f : n == 3 ? p[0] & 0x0f : p[0] & 0x07;
	for (i = 1; i < n; i++)
		c = c << 6 | (p[i] & 0x3f);
	*cp = (long)c;
	*unsafe = unsafe_cp(c);
	return n;
}

size_t
xt_text_unsafe(const char *s, size_t len, long *cp)
{
	size_t n;
	int unsafe;

	if (len == 0)
		return 0;
	n = classify((const unsigned char *)s, len, cp, &unsafe);
	return unsafe ? n : 0;
}

size_t
xt_text_safe_prefix(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;
	long cp;
	int unsafe;

	while (i < len) {
		if (p[i] >= 0x20 && p[i] < 0x7f) {
			i++;
			continue;
		}
		n = classify(p + i, len - i, &cp, &unsafe);
		if (unsafe)
			break;
		i += n;
	}
	return i;
}
