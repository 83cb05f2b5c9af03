/* SPDX-License-Identifier: GPL-3.0-or-later */
/* term.c: line input at a terminal, with editing and history (readline),
 * and output that never garbles the line being typed. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "xt.h"

static void (*line_cb)(char *line);
static int active;
static int hidden;
static int in_cb;		/* inside line_cb: the line is done */
static char *prefill;		/* the text the next line starts with */
static int manual;		/* the tool says what goes to history */
static char *history_path;	/* ... and where it is kept (NULL: nowhere) */
static int history_max;
static char **(*complete_fn)(const char *text, int start, int end);

static void
on_line(char *line)
{
	if (line == NULL) {
		/* EOF (^D on an empty line): no more prompts. */
		xt_term_stop();
		line_cb(NULL);
		return;
	}
	if (*line != '\0' && !manual)
		add_history(line);
	/* readline has moved to a fresh line and shows nothing being
	 * typed: output needs no hiding until the next prompt. */
	in_cb = 1;
	line_cb(line);
	in_cb = 0;
}

static int
put_prefill(void)
{
	if (prefill != NULL) {
		rl_insert_text(prefill);
		free(prefill);
		prefill = NULL;
		rl_redisplay();
	}
	return 0;
}

static char **
on_complete(const char *text, int start, int end)
{
	/* No file names when there is nothing to offer. */
	rl_attempted_completion_over = 1;
	return complete_fn(text, start, end);
}

/* An exit that skips xt_term_stop() (xt_die) leaves the terminal as it
 * found it. */
static void
at_exit(void)
{
	xt_term_stop();
}

void
xt_term_start(const char *prompt, void (*cb)(char *line))
{
	static int registered;

	if (!registered++)
		atexit(at_exit);
	line_cb = cb;
	/* The prompt and the typing are not data: stdout stays clean. */
	rl_outstream = stderr;
	rl_pre_input_hook = put_prefill;
	rl_callback_handler_install(prompt, on_line);
	active = 1;
}

void
xt_term_prompt(const char *prompt)
{
	if (active)
		rl_set_prompt(prompt);
}

void
xt_term_prefill(const char *text)
{
	free(prefill);
	prefill = xt_strdup(text);
}

void
xt_term_cancel(const char *prompt)
{
	if (!active)
		return;
	free(prefill);
	prefill = NULL;
	/* What was typed stays on the screen, marked; then a fresh line. */
	fputs("^C\n", rl_outstream);
	rl_on_new_line();
	/* The signal came between reads, so readline's own clean-up did
	 * not run: a search (^R) and the place in the history go too. */
	rl_callback_sigcleanup();
	rl_free_line_state();
	using_history();
	rl_replace_line("", 0);
	rl_point = rl_end = 0;
	rl_set_prompt(prompt);
	rl_redisplay();
}

/*
 * The history file holds one entry a line, its newlines written \n and
 * its backslashes \\: readline's own format keeps an entry of several
 * lines together only by timestamps, which a line of the entry starting
 * with '#' and a digit is taken for, and it truncates by lines.
 */
static void
history_line(char *line)
{
	char *r, *w;

	for (r = w = line; *r != '\0'; r++) {
		if (*r == '\\' && r[1] == 'n') {
			*w++ = '\n';
			r++;
		} else if (*r == '\\' && r[1] == '\\') {
			*w++ = '\\';
			r++;
		} else
			*w++ = *r;
	}
	*w = '\0';
	if (*line != '\0')
		add_history(line);
}

static void
history_write(FILE *f, const char *entry)
{
	for (; *entry != '\0'; entry++)
		if (*entry == '\n')
			fputs("\\n", f);
		else if (*entry == '\\')
			fputs("\\\\", f);
		else
			putc(*entry, f);
	putc('\n', f);
}

/* The lines of the file at path (NULL if it cannot be read), *n of them. */
static char **
history_lines(const char *path, size_t *n)
{
	FILE *f = fopen(path, "r");
	char **lines = NULL, *line = NULL;
	size_t cap = 0;
	ssize_t len;

	*n = 0;
	if (f == NULL)
		return NULL;
	while ((len = getline(&line, &cap, f)) >= 0) {
		if (len > 0 && line[len - 1] == '\n')
			line[len - 1] = '\0';
		lines = xt_grow(lines, *n, sizeof(*lines));
		lines[(*n)++] = xt_strdup(line);
	}
	free(line);
	fclose(f);
	return lines;
}

static void
history_free(char **lines, size_t n)
{
	while (n > 0)
		free(lines[--n]);
	free(lines);
}

void
xt_term_history(const char *path, int max)
{
	char **lines;
	size_t n, i;

	manual = 1;
	free(history_path);
	history_path = path ? xt_strdup(path) : NULL;
	history_max = max;
	stifle_history(max);
	if (path == NULL)
		return;
	if ((lines = history_lines(path, &n)) == NULL) {
		if (errno != ENOENT)
			xt_warn("cannot read the history in '%s': %s", path,
			    xt_strerror(errno));
		return;
	}
	for (i = n > (size_t)max ? n - max : 0; i < n; i++)
		history_line(lines[i]);
	history_free(lines, n);
}

void
xt_term_remember(const char *entry)
{
	HIST_ENTRY *last;
	FILE *f;
	int fd;

	if (*entry == '\0')
		return;
	/* Like a shell: the same entry twice in a row is kept once. */
	if (history_length > 0 &&
	    (last = history_get(history_base + history_length - 1)) != NULL &&
	    strcmp(last->line, entry) == 0)
		return;
	add_history(entry);
	if (history_path == NULL)
		return;
	/* Written at once: a killed console keeps what was typed. */
	fd = open(history_path, O_WRONLY | O_APPEND | O_CREAT, 0600);
	if (fd < 0 || (f = fdopen(fd, "a")) == NULL) {
		xt_warn("cannot write the history to '%s': %s", history_path,
		    xt_strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	history_write(f, entry);
	if (fclose(f) != 0)
		xt_warn("cannot write the history to '%s': %s", history_path,
		    xt_strerror(errno));
}

/* Keep the last history_max entries of the file. */
static void
history_trim(void)
{
	char **lines, *tmp;
	size_t n, i;
	FILE *f;
	int fd, ok;

	if ((lines = history_lines(history_path, &n)) == NULL)
		return;
	if (n > (size_t)history_max &&
	    asprintf(&tmp, "%s.tmp", history_path) >= 0) {
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		f = fd >= 0 ? fdopen(fd, "w") : NULL;
		ok = f != NULL;
		for (i = n - history_max; ok && i < n; i++)
			ok = fprintf(f, "%s\n", lines[i]) >= 0;
		if (f != NULL && fclose(f) != 0)
			ok = 0;
		else if (f == NULL && fd >= 0)
			close(fd);
		if (!ok || rename(tmp, history_path) != 0)
			unlink(tmp);
		free(tmp);
	}
	history_free(lines, n);
}

void
xt_term_complete(char **(*fn)(const char *text, int start, int end),
    const char *breaks)
{
	complete_fn = fn;
	rl_attempted_completion_function = fn ? on_complete : NULL;
	if (breaks != NULL)
		rl_completer_word_break_characters = (char *)breaks;
}

char **
xt_term_matches(const char *text, const char *const *words, size_t n)
{
	char **m = NULL;
	size_t len = strlen(text), i, k = 0;

	for (i = 0; i < n; i++)
		if (strncmp(words[i], text, len) == 0) {
			/* readline wants the common prefix first. */
			m = xt_grow(m, k + 2, sizeof(*m));
			m[++k] = xt_strdup(words[i]);
		}
	if (k == 0)
		return NULL;
	m[0] = xt_strdup(m[1]);
	for (i = 2; i <= k; i++) {
		size_t j = 0;

		while (m[0][j] != '\0' && m[0][j] == m[i][j])
			j++;
		m[0][j] = '\0';
	}
	m[k + 1] = NULL;
	return m;
}

int
xt_term_active(void)
{
	return active;
}

void
xt_term_input(void)
{
	if (active)
		rl_callback_read_char();
}

void
xt_term_stop(void)
{
	if (!active)
		return;
	active = 0;
	rl_callback_handler_remove();
	if (history_path != NULL && history_max > 0)
		history_trim();
}

/* The prompt and the line are taken off the screen and drawn again as
 * they are: readline's state (a search under way, its own saved prompt)
 * is left alone. */
void
xt_term_hide(void)
{
	if (!active || in_cb || hidden++ > 0)
		return;
	rl_clear_visible_line();
	fflush(rl_outstream);
}

void
xt_term_show(void)
{
	if (!active || in_cb || hidden == 0 || --hidden > 0)
		return;
	fflush(stdout);
	fflush(stderr);
	rl_forced_update_display();
}
