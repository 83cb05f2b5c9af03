/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz XEP-0082 date-times (common/datetime.c): what parses is a real
 * date, and printing it and parsing that again gives the same instant
 * (in the years CCYY can write). */
#include "fuzz.h"

/* 1 if day d of month m (1 to 12) of year y exists: the C library's
 * calendar, not a copy of the one under test, is the judge. */
static int
date_exists(int y, int m, int d)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d,
	    .tm_hour = 12 };
	time_t t = timegm(&tm);
	struct tm back;

	return gmtime_r(&t, &back) != NULL && back.tm_mday == d &&
	    back.tm_mon == m - 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strdup(data, size), buf[64];
	time_t t, t2;
	struct tm tm;
	int y, mo, d;

	if (xt_datetime_parse(s, &t) == 0) {
		/* The date as written exists (the time may be a leap second,
		 * which is the first second of the next minute). */
		fuzz_assert(sscanf(s, "%4d-%2d-%2d", &y, &mo, &d) == 3);
		fuzz_assert(mo >= 1 && mo <= 12);
		fuzz_assert(date_exists(y, mo, d));
		xt_datetime_format(t, buf, sizeof(buf));
		/* An offset may take it out of the years CCYY writes. */
		fuzz_assert(gmtime_r(&t, &tm) != NULL);
		if (tm.tm_year >= -1900 && tm.tm_year <= 9999 - 1900) {
			fuzz_assert(xt_datetime_parse(buf, &t2) == 0);
			fuzz_assert(t2 == t);
		}
	}
	free(s);
	return 0;
}
