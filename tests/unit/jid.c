/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for jid.c: which JIDs pass the structural checks, and why. */
#include <stdio.h>
#include <string.h>

#include <stdlib.h>

#include "tap.h"
#include "xt.h"

static void
valid(const char *jid)
{
	const char *why = "unset";

	ok(xt_jid_valid(jid, &why) && why == NULL, "valid: '%s'", jid);
}

static void
invalid(const char *jid, const char *reason)
{
	const char *why = NULL;
	int r = xt_jid_valid(jid, &why);

	ok(!r && why != NULL && strstr(why, reason) != NULL,
	    "invalid: '%s' (%s)", jid, why ? why : "no reason");
}

static void
strip(const char *in, const char *exp)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s", in);
	xt_jid_strip_dot(buf);
	is(buf, exp, "strip dot: '%s'", in);
}

static void
fold(const char *in, const char *exp)
{
	char *f = xt_jid_fold(in);

	is(f, exp, "fold: '%s'", in);
	free(f);
}

int
main(void)
{
	char big[1100], jid[1200];
	const char *why;

	valid("alice@example.org");
	valid("alice@example.org/phone");
	valid("example.org");
	valid("example.org/resource");
	valid("alice@example.org/a resource with spaces/and@slashes");
	valid("alice@[::1]");
	valid("alice@[2001:db8::1]/res");
	valid("alice@127.0.0.1");
	valid("j\xc3\xbcrgen@m\xc3\xbcnchen.example");
	valid("alice@example.org.");
	valid("alice@sub_domain.example");

	invalid(NULL, "empty JID");
	invalid("", "empty JID");
	invalid("@example.org", "empty localpart");
	invalid("alice@", "empty domainpart");
	invalid("alice@example.org/", "empty resourcepart");
	invalid("/res", "empty domainpart");
	invalid("al ice@example.org", "localpart contains a space");
	invalid("al\"ice@example.org", "localpart contains '\"'");
	invalid("a&b@example.org", "localpart contains '&'");
	invalid("a'b@example.org", "localpart contains '''");
	invalid("a:b@example.org", "localpart contains ':'");
	invalid("a<b@example.org", "localpart contains '<'");
	invalid("a>b@example.org", "localpart contains '>'");
	invalid("a\tb@example.org", "control character");
	invalid("alice@bob@example.org", "domainpart contains '@'");
	invalid("alice@exa mple.org", "domainpart contains a space");
	invalid("alice@example.org:5222", "give a port with --server");
	invalid("alice@[::1", "unclosed '['");
	invalid("alice@[not-v6]", "not an IPv6 address");
	invalid("alice@.example.org", "empty label");
	invalid("alice@example..org", "empty label");
	invalid("alice@example.org/res\x01", "resourcepart contains a control");
	invalid("al\xffice@example.org", "not valid UTF-8");
	invalid("alice@example.org/\xc3", "not valid UTF-8");
	invalid("\xed\xa0\x80@example.org", "not valid UTF-8");

	memset(big, 'a', 1023);
	big[1023] = '\0';
	snprintf(jid, sizeof(jid), "%s@example.org", big);
	valid(jid);
	snprintf(jid, sizeof(jid), "x@example.org/%s", big);
	valid(jid);
	memset(big, 'a', 1024);
	big[1024] = '\0';
	snprintf(jid, sizeof(jid), "%s@example.org", big);
	invalid(jid, "localpart longer than 1023 bytes");
	snprintf(jid, sizeof(jid), "x@%s", big);
	invalid(jid, "domainpart longer than 1023 bytes");
	snprintf(jid, sizeof(jid), "x@example.org/%s", big);
	invalid(jid, "resourcepart longer than 1023 bytes");

	ok(xt_jid_valid("alice@example.org", NULL), "why may be NULL");
	xt_jid_valid("alice@example.org/\x7f", &why);
	is(why, "resourcepart contains a control character",
	    "the reason is a whole phrase");
	strip("alice@example.org.", "alice@example.org");
	strip("example.org.", "example.org");
	strip("alice@example.org./res.", "alice@example.org/res.");
	strip("a.b@example.org", "a.b@example.org");
	strip("alice@example.org", "alice@example.org");
	strip("alice@x./", "alice@x/");
	strip("alice@./r", "alice@./r");
	strip("user@host/a@b.", "user@host/a@b.");
	fold("alice@xt.test", "alice@xt.test");
	fold("Bob@Example.ORG", "bob@example.org");
	fold("\xc3\x9cLF@Example.org", "\xc3\xbclf@example.org");
	fold("\xce\xa3\xce\xbf\xcf\x86\xce\xaf\xce\xb1@x", "\xcf\x83\xce\xbf\xcf\x86\xce\xaf\xce\xb1@x");
	fold("", "");
	/* U+023A (2 bytes) lowercases to U+2C65 (3 bytes). */
	fold("\xc8\xba\xc8\xba\xc8\xba", "\xe2\xb1\xa5\xe2\xb1\xa5\xe2\xb1\xa5");
	ok(xt_jid_fold("a\xff") == NULL, "fold: not UTF-8 is NULL");
	return done_testing();
}
