/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz XEP-0082 date-times (common/datetime.c): what parses is a real
 * date, and printing it and parsing that again gives the same instant
 * (in the years CCYY can write). */
#include "fuzz.h"

/* Days in month m (1 to 12) of year y, Gregorian. */
static int
month_days(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return days[m - 1];
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
		fuzz_assert(d >= 1 && d <= month_days(y, mo));
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
