/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for datetime.c: XEP-0082 date-times in, one form out. */
#include <string.h>
#include <time.h>

#include "tap.h"
#include "xt.h"

/* s parses and prints as want. */
static void
norm(const char *s, const char *want)
{
	char buf[32] = "";
	time_t t;

	if (xt_datetime_parse(s, &t) == 0)
		xt_datetime_format(t, buf, sizeof(buf));
	is(buf, want, "'%s' is %s", s, want);
}

static void
bad(const char *s)
{
	time_t t;

	ok(xt_datetime_parse(s, &t) != 0, "not a date-time: '%s'", s);
}

int
main(void)
{
	time_t t;

	norm("2001-02-03T04:05:06Z", "2001-02-03T04:05:06Z");
	/* ejabberd's stamps carry microseconds */
	norm("2026-12-01T10:10:23.583342Z", "2026-12-01T10:10:23Z");
	norm("2002-09-10T23:08:25.1Z", "2002-09-10T23:08:25Z");
	norm("2001-02-03T04:05:06+02:00", "2001-02-03T02:05:06Z");
	norm("2001-02-03T23:30:00-01:30", "2001-02-04T01:00:00Z");
	norm("1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z");
	norm("0999-01-01T00:00:00Z", "0999-01-01T00:00:00Z");
	norm("0001-01-01T00:00:00+01:00", "0000-12-31T23:00:00Z");
	ok(xt_datetime_parse("1970-01-01T00:01:40Z", &t) == 0 && t == 100,
	    "seconds since the epoch");
	bad(NULL);
	bad("");
	bad("2001-02-03");
	bad("2001-02-03T04:05:06");
	bad("2001-02-03 04:05:06Z");
	bad("2001-13-03T04:05:06Z");
	bad("2001-02-03T24:05:06Z");
	bad("2001-02-03T04:05:06.Z");
	bad("2001-02-03T04:05:06Zjunk");
	bad("2001-02-03T04:05:06+0200");
	/* days a month does not have */
	norm("2024-02-29T00:00:00Z", "2024-02-29T00:00:00Z");
	norm("2000-02-29T00:00:00Z", "2000-02-29T00:00:00Z");
	bad("2023-02-29T00:00:00Z");
	bad("1900-02-29T00:00:00Z");
	bad("2024-04-31T08:00:00+01:00");
	/* a sender's tab or newline never passes */
	bad("2001Z\n9999Z\tmallory@evil/x\tchat\tforged");
	bad("2001-02-03T04:05:06Z\n");
	bad("2001-02-03T04:05:06\tZ");
	return done_testing();
}
