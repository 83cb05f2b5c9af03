/* SPDX-License-Identifier: GPL-3.0-or-later */
/* jid.c: structural JID checks after RFC 7622 (no PRECIS profiles). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <limits.h>
#include <locale.h>
#include <stdlib.h>
#include <wchar.h>
#include <wctype.h>

#include "xt.h"

#define XT_JID_PART_MAX 1023	/* RFC 7622 3.2-3.4: 1 to 1023 octets */

/* Length of the UTF-8 sequence at s (RFC 3629), or 0 if it is invalid. */
static size_t
utf8_len(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if (s[0] == 0xe0 && s[1] < 0xa0)	/* overlong */
			return 0;
		if (s[0] == 0xed && s[1] >= 0xa0)	/* surrogate */
			return 0;
		return 3;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if (s[0] == 0xf0 && s[1] < 0x90)	/* overlong */
			return 0;
		if (s[0] == 0xf4 && s[1] >= 0x90)	/* above U+10FFFF */
			return 0;
		return 4;
	}
	return 0;
}

/* Check one part of a JID: length, UTF-8, no controls, no spaces unless
 * spaces_ok, and none of the ASCII characters in bad. NULL if fine, else
 * why (in a static buffer). */
static const char *
check_part(const char *part, size_t len, const char *name, const char *bad,
    int spaces_ok)
{
	static char why[80];
	const unsigned char *p = (const unsigned char *)part;
	size_t i, n;

	if (len == 0) {
		snprintf(why, sizeof(why), "empty %s", name);
		return why;
	}
	if (len > XT_JID_PART_MAX) {
		snprintf(why, sizeof(why), "%s longer than %d bytes", name,
		    XT_JID_PART_MAX);
		return why;
	}
	for (i = 0; i < len; i += n) {
		if (p[i] < 0x20 || p[i] == 0x7f) {
			snprintf(why, sizeof(why),
			    "%s contains a control character", name);
			return why;
		}
		if (p[i] == ' ' && !spaces_ok) {
			snprintf(why, sizeof(why), "%s contains a space", name);
			return why;
		}
		if (p[i] < 0x80 && strchr(bad, p[i]) != NULL) {
			snprintf(why, sizeof(why), "%s contains '%c'", name,
			    p[i]);
			return why;
		}
		if ((n = utf8_len(p + i)) == 0 || i + n > len) {
			snprintf(why, sizeof(why), "%s is not valid UTF-8",
			    name);
			return why;
		}
	}
	return NULL;
}

/* The domainpart is a DNS name or an IP address (RFC 7622 3.2); IPv6
 * literals come in brackets. IDNA is left to the server. */
static const char *
check_domain(const char *d, size_t len)
{
	char addr[64];
	struct in6_addr in6;
	const char *why;

	if (len > 0 && d[0] == '[') {
		if (d[len - 1] != ']' || len - 2 >= sizeof(addr))
			return "domainpart has an unclosed '['";
		memcpy(addr, d + 1, len - 2);
		addr[len - 2] = '\0';
		if (inet_pton(AF_INET6, addr, &in6) != 1)
			return "domainpart is not an IPv6 address in brackets";
		return NULL;
	}
	if ((why = check_part(d, len, "domainpart",
	    "\"&'/:<>@[]\\,;!?*()=+%$#`^{}|~", 0)) != NULL) {
		if (memchr(d, ':', len) != NULL)
			return "domainpart contains ':' (give a port with "
			    "--server)";
		return why;
	}
	if (d[0] == '.' || (len > 1 && memmem(d, len, "..", 2) != NULL))
		return "domainpart has an empty label";
	return NULL;
}

int
xt_jid_valid(const char *s, const char **why)
{
	const char *slash, *at, *dom, *w;
	size_t barelen;
	static const char *dummy;

	if (why == NULL)
		why = &dummy;
	if (s == NULL || *s == '\0') {
		*why = "empty JID";
		return 0;
	}
	/* RFC 7622 3.1: the resource starts at the first '/', the
	 * localpart ends at the first '@' before it. */
	slash = strchr(s, '/');
	barelen = slash ? (size_t)(slash - s) : strlen(s);
	at = memchr(s, '@', barelen);
	dom = at ? at + 1 : s;
	if (at != NULL && (w = check_part(s, at - s, "localpart",
	    "\"&'/:<>@", 0)) != NULL) {
		*why = w;
		return 0;
	}
	if ((w = check_domain(dom, barelen - (dom - s))) != NULL) {
		*why = w;
		return 0;
	}
	/* Spaces and any other printable character may appear in a
	 * resource (RFC 7622 3.4: the OpaqueString profile). */
	if (slash != NULL && (w = check_part(slash + 1, strlen(slash + 1),
	    "resourcepart", "", 1)) != NULL) {
		*why = w;
		return 0;
	}
	*why = NULL;
	return 1;
}

void
xt_jid_strip_dot(char *s)
{
	char *slash = strchr(s, '/'), *end = slash ? slash : s + strlen(s);
	char *at = memchr(s, '@', end - s), *dom = at ? at + 1 : s;

	/* RFC 7622 3.2: "example.org." is "example.org"; a domainpart of
	 * "." alone is left to be refused. */
	if (end - dom > 1 && end[-1] == '.')
		memmove(end - 1, end, strlen(end) + 1);
}

/* The lowercase of each character, in UTF-8, whatever the user's locale;
 * NULL if s is not UTF-8. */
char *
xt_jid_fold(const char *s)
{
	static locale_t utf8;
	size_t len = strlen(s), i = 0, o = 0, n;
	/* A lowercase letter may take more bytes than its capital (U+023A
	 * is 2, U+2C65 3): room for every character to grow to 4. */
	size_t cap = len * 4 + MB_LEN_MAX + 1;
	char *out = malloc(cap);
	mbstate_t in_st, out_st;
	wchar_t wc;
	locale_t old;

	if (out == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	if (utf8 == (locale_t)0)
		utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	if (utf8 == (locale_t)0) {
		/* No UTF-8 locale: ASCII letters at least. */
		for (i = 0; i <= len; i++)
			out[i] = s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i];
		return out;
	}
	old = uselocale(utf8);
	memset(&in_st, 0, sizeof(in_st));
	memset(&out_st, 0, sizeof(out_st));
	while (i < len) {
		n = mbrtowc(&wc, s + i, len - i, &in_st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			uselocale(old);
			free(out);
			return NULL;
		}
		i += n;
		if (o + MB_LEN_MAX >= cap) {
			uselocale(old);
			free(out);
			return NULL;
		}
		o += wcrtomb(out + o, (wchar_t)towlower_l((wint_t)wc, utf8),
		    &out_st);
	}
	out[o] = '\0';
	uselocale(old);
	return out;
}
