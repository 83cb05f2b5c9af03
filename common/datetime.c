/* SPDX-License-Identifier: GPL-3.0-or-later */
/* datetime.c: XEP-0082 date-times, as others send them and as we print
 * them (one form, whatever the server or a sender wrote). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xt.h"

/* n digits at s as a number, or -1. */
static int
digits(const char *s, int n)
{
	int v = 0;

	for (; n > 0; n--, s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

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
xt_datetime_parse(const char *s, time_t *t)
{
	struct tm tm = { 0 };
	int off = 0, h, m;

	/* CCYY-MM-DDThh:mm:ss[.sss]TZD */
	if (s == NULL || strlen(s) < 20 || s[4] != '-' || s[7] != '-' ||
	    s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
	    (tm.tm_year = digits(s, 4)) < 0 ||
	    (tm.tm_mon = digits(s + 5, 2)) < 1 || tm.tm_mon > 12 ||
	    (tm.tm_mday = digits(s + 8, 2)) < 1 || tm.tm_mday > 31 ||
	    (tm.tm_hour = digits(s + 11, 2)) < 0 || tm.tm_hour > 23 ||
	    (tm.tm_min = digits(s + 14, 2)) < 0 || tm.tm_min > 59 ||
	    (tm.tm_sec = digits(s + 17, 2)) < 0 || tm.tm_sec > 60)
		return -1;
	/* timegm() would make 2023-02-29 the 1st of March: not a date. */
	if (tm.tm_mday > month_days(tm.tm_year, tm.tm_mon))
		return -1;
	s += 19;
	if (*s == '.') {
		if (s[1] < '0' || s[1] > '9')
			return -1;
		for (s++; *s >= '0' && *s <= '9'; s++)
			;
	}
	if (*s == '+' || *s == '-') {
		if (strlen(s) != 6 || s[3] != ':' || (h = digits(s + 1, 2)) < 0 ||
		    h > 23 || (m = digits(s + 4, 2)) < 0 || m > 59)
			return -1;
		off = (*s == '+' ? 1 : -1) * (h * 3600 + m * 60);
	} else if (strcmp(s, "Z") != 0) {
		return -1;
	}
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*t = timegm(&tm) - off;
	return 0;
}

void
xt_datetime_format(time_t t, char *buf, size_t len)
{
	struct tm tm;

	/* CCYY has four digits: strftime's %Y writes the year 999 as 999. */
	if (gmtime_r(&t, &tm) == NULL || snprintf(buf, len,
	    "%04lld-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900LL,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec) >= (int)len)
		snprintf(buf, len, "1970-01-01T00:00:00Z");
}

double
xt_parse_since(const char *opt, const char *s)
{
	struct tm tm = { 0 };
	char *end, unit;
	double n;

	n = strtod(s, &end);
	if (end != s && *end != '\0' && end[1] == '\0' && n >= 0) {
		unit = *end;
		if (unit == 's' || unit == 'm' || unit == 'h' || unit == 'd')
			return time(NULL) - n * (unit == 's' ? 1 : unit == 'm' ?
			    60 : unit == 'h' ? 3600 : 86400);
	}
	end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (end == NULL)
		end = strptime(s, "%Y-%m-%d", &tm);
	if (end == NULL || (*end != '\0' && strcmp(end, "Z") != 0))
		xt_die(XT_USAGE, "invalid %s '%s': expected a time like "
		    "2026-11-25T08:00:00Z or 30m, 2h, 7d", opt, s);
	return (double)timegm(&tm);
}
