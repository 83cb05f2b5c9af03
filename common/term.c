/* SPDX-License-Identifier: GPL-3.0-or-later */
/* term.c: line input at a terminal, with editing and history (readline),
 * and output that never garbles the line being typed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "xt.h"

static void (*line_cb)(char *line);
static int active;
static int hidden;
static int in_cb;		/* inside line_cb: the line is done */
static char *saved;
static int saved_point;
static char *prefill;		/* the text the next line starts with */
static char *history_path;	/* NULL: lines go to history by themselves */
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
	if (*line != '\0' && history_path == NULL)
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

void
xt_term_start(const char *prompt, void (*cb)(char *line))
{
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
xt_term_cancel(void)
{
	if (!active)
		return;
	free(prefill);
	prefill = NULL;
	rl_replace_line("", 0);
	rl_point = rl_end = 0;
	fputs("^C\n", rl_outstream);
	rl_on_new_line();
	rl_redisplay();
}

void
xt_term_history(const char *path, int max)
{
	int err;

	free(history_path);
	history_path = xt_strdup(path);
	history_max = max;
	/* Timestamps mark where an entry begins, so that an entry of
	 * several lines comes back as one. */
	history_write_timestamps = 1;
	history_multiline_entries = 1;
	history_comment_char = '#';
	stifle_history(max);
	if ((err = read_history(path)) != 0 && err != ENOENT)
		xt_warn("cannot read the history in '%s': %s", path,
		    xt_strerror(err));
}

void
xt_term_remember(const char *entry)
{
	HIST_ENTRY *last;
	int err;

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
	err = append_history(1, history_path);
	if (err == ENOENT)
		err = write_history(history_path);
	if (err != 0)
		xt_warn("cannot write the history to '%s': %s", history_path,
		    xt_strerror(err));
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
		history_truncate_file(history_path, history_max);
}

void
xt_term_hide(void)
{
	if (!active || in_cb || hidden++ > 0)
		return;
	saved_point = rl_point;
	saved = rl_copy_text(0, rl_end);
	rl_save_prompt();
	rl_replace_line("", 0);
	rl_redisplay();
}

void
xt_term_show(void)
{
	if (!active || in_cb || hidden == 0 || --hidden > 0)
		return;
	fflush(stdout);
	rl_restore_prompt();
	rl_replace_line(saved ? saved : "", 0);
	rl_point = saved_point;
	free(saved);
	saved = NULL;
	rl_redisplay();
}
