/* SPDX-License-Identifier: GPL-3.0-or-later */
/* file.c: small input files read whole, bounded in size and in time. */

/*
 * A config file, a recipient list or a password file is given by path,
 * and the path may name anything: a FIFO nobody writes to (open(2)
 * would block forever), /dev/zero (read(2) never ends), a terminal.
 * Opening never blocks here, reading stops at a size bound, and every
 * wait ends at the caller's deadline.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xt.h"

int
xt_file_open(const char *path, struct stat *st)
{
	struct stat tmp;
	int fd, e;

	if (st == NULL)
		st = &tmp;
	/* O_NONBLOCK: a FIFO opens at once, writer or not. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -1;
	if (fstat(fd, st) != 0 || S_ISDIR(st->st_mode)) {
		e = S_ISDIR(st->st_mode) ? EISDIR : errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* 1 when fd has something to read (or its end), 0 at the deadline. */
static int
wait_readable(int fd, double deadline, const char *what)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	double left;
	int r;

	for (;;) {
		left = deadline > 0 ? deadline - xt_now() : 1;
		if (left <= 0)
			return 0;
		r = poll(&pfd, 1, deadline > 0 ? (int)(left * 1000) + 1 : -1);
		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR)
			xt_die(XT_CONFIG, "cannot read %s: %s", what,
			    xt_strerror(errno));
	}
}

static char *
read_bounded(int fd, size_t max, double deadline, const char *what,
    size_t *len, int too_big, int failed)
{
	size_t n = 0, cap = 0, want;
	char *buf = NULL, *grown;
	ssize_t r;

	for (;;) {
		if (n + 4096 + 1 > cap && cap < max + 2) {
			cap = cap ? cap * 2 : 8192;
			if (cap > max + 2)
				cap = max + 2;
			if ((grown = realloc(buf, cap)) == NULL)
				xt_die(XT_SOFTWARE, "out of memory");
			buf = grown;
		}
		/* One byte past max tells a file of max bytes from a
		 * longer one. */
		want = cap - 1 - n;
		/* Poll first: a FIFO whose writer has not come yet reads
		 * as its end, but polls as nothing yet. */
		if (!wait_readable(fd, deadline, what))
			xt_die(XT_TEMPFAIL, "cannot read %s: nothing came "
			    "within the timeout", what);
		r = read(fd, buf + n, want);
		if (r > 0) {
			n += r;
			if (n > max)
				xt_die(too_big, "%s is larger than %zu bytes",
				    what, max);
			continue;
		}
		if (r == 0)
			break;
		if (errno != EINTR && errno != EAGAIN)
			xt_die(failed, "cannot read %s: %s", what,
			    xt_strerror(errno));
	}
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return buf;
}

char *
xt_file_read(int fd, size_t max, double deadline, const char *what,
    size_t *len)
{
	return read_bounded(fd, max, deadline, what, len, XT_CONFIG,
	    XT_CONFIG);
}

char *
xt_file_read_data(int fd, size_t max, double deadline, const char *what,
    size_t *len)
{
	return read_bounded(fd, max, deadline, what, len, XT_DATAERR,
	    XT_IOERR);
}

char *
xt_file_slurp(const char *path, size_t max, double deadline,
    const char *what, size_t *len, struct stat *st)
{
	char *buf;
	int fd;

	if ((fd = xt_file_open(path, st)) < 0)
		xt_die(XT_CONFIG, "cannot read %s: %s", what,
		    xt_strerror(errno));
	buf = xt_file_read(fd, max, deadline, what, len);
	close(fd);
	return buf;
}

unsigned long
xt_file_nul_line(const char *buf, size_t len)
{
	const char *nul = memchr(buf, '\0', len), *p;
	unsigned long line = 1;

	if (nul == NULL)
		return 0;
	for (p = buf; (p = memchr(p, '\n', nul - p)) != NULL; p++)
		line++;
	return line;
}
