/* SPDX-License-Identifier: GPL-3.0-or-later */
/* progress.c: one line of progress on a terminal's stderr, erased at the
 * end; nothing at all when stderr is not a terminal (cron mails output). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "xt.h"

#define REDRAW 0.1		/* seconds between two drawings at most */

static struct {
	int on;			/* a line may be on the screen */
	int shown;		/* it is */
	char what[64];
	unsigned long long done, total;
	double start, drawn;
	int bytes;		/* counts are bytes: shown as sizes */
} P;

const char *
xt_size(unsigned long long n, char *buf, size_t len)
{
	static const char *const unit[] = { "kB", "MB", "GB", "TB" };
	double v = (double)n;
	int i = -1;

	if (n < 1000) {
		snprintf(buf, len, "%llu bytes", n);
		return buf;
	}
	while (v >= 1000 && i < 3) {
		v /= 1000;
		i++;
	}
	snprintf(buf, len, "%.1f %s", v, unit[i]);
	return buf;
}

void
xt_progress_start(const char *what, unsigned long long total)
{
	memset(&P, 0, sizeof(P));
	if (xt_quiet || !isatty(STDERR_FILENO))
		return;
	P.on = 1;
	snprintf(P.what, sizeof(P.what), "%s", what);
	P.total = total;
	P.start = xt_now();
}

void
xt_progress_start_bytes(const char *what, unsigned long long total)
{
	xt_progress_start(what, total);
	P.bytes = 1;
}

/* "1200/2000 (60%), 850/s, 1 s left" in buf. */
static void
format(char *buf, size_t len, double now)
{
	double secs = now - P.start, rate = secs > 0 ? P.done / secs : 0;
	char a[32], b[32];
	size_t n;

	if (P.bytes) {
		n = snprintf(buf, len, "\r%s: %s", P.what, xt_size(P.done, a,
		    sizeof(a)));
		if (n < len && P.total > 0)
			n += snprintf(buf + n, len - n, " of %s (%llu%%)",
			    xt_size(P.total, b, sizeof(b)), P.done * 100 /
			    P.total);
		if (n < len && secs >= 0.5)
			n += snprintf(buf + n, len - n, ", %s/s", xt_size(
			    (unsigned long long)rate, a, sizeof(a)));
		if (n < len && secs >= 0.5 && P.total > P.done && rate > 0)
			snprintf(buf + n, len - n, ", %.0f s left",
			    (P.total - P.done) / rate);
		return;
	}
	if (P.total > 0)
		n = snprintf(buf, len, "\r%s: %llu/%llu (%llu%%)", P.what,
		    P.done, P.total, P.done * 100 / P.total);
	else
		n = snprintf(buf, len, "\r%s: %llu", P.what, P.done);
	if (n < len && secs >= 0.5)
		n += snprintf(buf + n, len - n, ", %.0f/s", rate);
	if (n < len && secs >= 0.5 && P.total > P.done && rate > 0)
		snprintf(buf + n, len - n, ", %.0f s left",
		    (P.total - P.done) / rate);
}

void
xt_progress_total(unsigned long long total)
{
	P.total = total;
}

void
xt_progress(unsigned long long done)
{
	char buf[256];
	double now;

	P.done = done;
	if (!P.on)
		return;
	now = xt_now();
	/* Not for work that ends at once, and not faster than the eye. */
	if (now - P.start < 0.3 || now - P.drawn < REDRAW)
		return;
	P.drawn = now;
	format(buf, sizeof(buf), now);
	/* Erase what a longer line before left. */
	strncat(buf, "\033[K", sizeof(buf) - strlen(buf) - 1);
	fputs(buf, stderr);
	fflush(stderr);
	P.shown = 1;
}

void
xt_progress_clear(void)
{
	if (!P.shown)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	P.shown = 0;
	/* Drawn again at the next update. */
	P.drawn = 0;
}

void
xt_progress_end(void)
{
	xt_progress_clear();
	P.on = 0;
}
