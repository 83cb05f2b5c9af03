/* SPDX-License-Identifier: GPL-3.0-or-later */
/* diag.c: messages on stderr in the one format every tool uses. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xt.h"

const char *xt_progname = "xmpp-tools";
int xt_verbose;
int xt_quiet;
void (*xt_die_hook)(int code, const char *msg);

int xt_stdout_closed;

void
xt_init(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');
	int fd, nfd;

	xt_progname = slash ? slash + 1 : argv0;
	/* A closed fd 0, 1 or 2 would be reused by the next open(): the
	 * XMPP socket on fd 0 is never polled, on fd 1 it would receive
	 * our output. Park them on /dev/null instead, stdout read-only:
	 * what is written to it must fail, not vanish with exit 0. */
	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		if (fd == STDOUT_FILENO)
			xt_stdout_closed = 1;
		nfd = open("/dev/null", fd == STDOUT_FILENO ? O_RDONLY :
		    O_RDWR);
		if (nfd >= 0 && nfd != fd) {
			dup2(nfd, fd);
			close(nfd);
		}
	}
}

int
xt_stdout_gone(void)
{
	struct pollfd p = { STDOUT_FILENO, 0, 0 };

	return poll(&p, 1, 0) > 0 && (p.revents & (POLLERR | POLLHUP));
}

void
xt_need_stdout(void)
{
	if (!xt_stdout_closed)
		return;
	/* --check's hook would print its line there. */
	xt_die_hook = NULL;
	xt_die(XT_IOERR, "cannot write to standard output: it is closed");
}

/* s with what must not reach a terminal raw made visible: \n \t \r,
 * \uXXXX for other controls, separators and bidirectional marks, \xHH
 * for bytes that are not UTF-8. A message quotes JIDs, resources, file
 * names and server texts: an ESC or a newline there must not move the
 * cursor or forge a line. */
static void
make_visible(const char *s, char *out, size_t cap)
{
	size_t len = strlen(s), o = 0, n, i;
	long cp;

	while (*s != '\0' && o + 1 < cap) {
		n = xt_text_safe_prefix(s, len);
		if (n > cap - 1 - o)
			n = cap - 1 - o;
		memcpy(out + o, s, n);
		o += n;
		s += n;
		len -= n;
		if (len == 0 || o + 13 > cap)
			break;
		n = xt_text_unsafe(s, len, &cp);
		if (cp == '\n' || cp == '\t' || cp == '\r')
			o += snprintf(out + o, cap - o, "\\%c",
			    cp == '\n' ? 'n' : cp == '\t' ? 't' : 'r');
		else if (cp >= 0)
			o += snprintf(out + o, cap - o, "\\u%04lx", cp);
		else
			for (i = 0; i < n && o + 5 < cap; i++)
				o += snprintf(out + o, cap - o, "\\x%02x",
				    (unsigned char)s[i]);
		s += n;
		len -= n;
	}
	out[o] = '\0';
}

static void
vmsg(const char *fmt, va_list ap)
{
	char raw[4096], buf[4096];
	int n;

	/* One write per message so lines from several tools in one
	 * pipeline do not interleave. */
	n = snprintf(buf, sizeof(buf), "%s: ", xt_progname);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	make_visible(raw, buf + n, sizeof(buf) - n - 1);
	strcat(buf, "\n");
	/* A progress line goes away for the message, and comes back; so
	 * does the line being typed at a prompt. */
	xt_progress_clear();
	xt_term_hide();
	fputs(buf, stderr);
	fflush(stderr);
	xt_term_show();
}

void
xt_warn(const char *fmt, ...)
{
	va_list ap;

	if (xt_quiet)
		return;
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void
xt_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void
xt_die(int code, const char *fmt, ...)
{
	char raw[4096], buf[4096];
	va_list ap, copy;

	va_start(ap, fmt);
	if (xt_die_hook != NULL) {
		va_copy(copy, ap);
		vsnprintf(raw, sizeof(raw), fmt, copy);
		va_end(copy);
		make_visible(raw, buf, sizeof(buf));
		xt_die_hook(code, buf);
	}
	vmsg(fmt, ap);
	va_end(ap);
	exit(code);
}

void
xt_info(int level, const char *fmt, ...)
{
	va_list ap;

	if (xt_verbose < level)
		return;
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

double
xt_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void
xt_close_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		if (errno == EPIPE && !xt_stdout_closed)
			exit(XT_IOERR);
		/* A hook (--check) would write its line to stdout again. */
		xt_die_hook = NULL;
		xt_die(XT_IOERR, "cannot write to standard output: %s",
		    xt_stdout_closed ? "it is closed" : xt_strerror(errno));
	}
}

const char *
xt_strerror(int err)
{
	static char buf[256];

	/* The message contract is lowercase: "connection refused". */
	snprintf(buf, sizeof(buf), "%s", strerror(err));
	if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
		buf[0] += 'a' - 'A';
	return buf;
}

volatile sig_atomic_t xt_signalled;

static void
on_stop(int sig)
{
	xt_signalled = sig;
}

void
xt_catch_stop_signals(void)
{
	struct sigaction sa;

	/* No SA_RESTART: select() in the event loop must wake up. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}
