/* SPDX-License-Identifier: GPL-3.0-or-later */
/* measure: run a command, print "wall_s cpu_s maxrss_kib status" on fd 3.
 * A small C parent, because ru_maxrss survives exec: measured from
 * python or a shell, the child would report the parent's peak. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct timespec a, b;
	struct rusage ru;
	int status;
	pid_t pid;
	FILE *out;

	if (argc < 2 || (out = fdopen(3, "w")) == NULL) {
		fprintf(stderr, "usage: measure CMD [ARG...] 3>FILE\n");
		return 64;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	if ((pid = fork()) == 0) {
		close(3);
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0)
		return 70;
	clock_gettime(CLOCK_MONOTONIC, &b);
	fprintf(out, "%.6f %.6f %ld %d\n", (b.tv_sec - a.tv_sec) +
	    (b.tv_nsec - a.tv_nsec) / 1e9, ru.ru_utime.tv_sec +
	    ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
	    ru.ru_stime.tv_usec / 1e6, ru.ru_maxrss,
	    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return 0;
}
