/* SPDX-License-Identifier: GPL-3.0-or-later */
/* term.c: line input at a terminal, with editing and history (readline),
 * and output that never garbles the line being typed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "xt.h"

static void (*line_cb)(char *line);
static int active;
static int hidden;
static char *saved;
static int saved_point;

static void
on_line(char *line)
{
	if (line == NULL) {
		/* EOF (^D on an empty line): no more prompts. */
		xt_term_stop();
		line_cb(NULL);
		return;
	}
	if (*line != '\0')
		add_history(line);
	line_cb(line);
}

void
xt_term_start(const char *prompt, void (*cb)(char *line))
{
	line_cb = cb;
	/* The prompt and the typing are not data: stdout stays clean. */
	rl_outstream = stderr;
	rl_callback_handler_install(prompt, on_line);
	active = 1;
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
}

void
xt_term_hide(void)
{
	if (!active || hidden++ > 0)
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
	if (!active || hidden == 0 || --hidden > 0)
		return;
	fflush(stdout);
	rl_restore_prompt();
	rl_replace_line(saved ? saved : "", 0);
	rl_point = saved_point;
	free(saved);
	saved = NULL;
	rl_redisplay();
}
