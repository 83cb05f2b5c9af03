/* SPDX-License-Identifier: GPL-3.0-or-later */
/* form.c: XEP-0004 data forms, read from a stanza and built into one. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "xt.h"

#define NS_DATA "jabber:x:data"
/* What one form may hold: a server's reply is bounded in size, but a
 * walk may keep many of them. */
#define MAX_FIELDS 1000
#define MAX_VALUES 1000

int
xt_form_is(xmpp_stanza_t *st)
{
	const char *ns;

	return st != NULL && xmpp_stanza_is_tag(st) &&
	    strcmp(xmpp_stanza_get_name(st), "x") == 0 &&
	    (ns = xmpp_stanza_get_ns(st)) != NULL && strcmp(ns, NS_DATA) == 0;
}

struct xt_form *
xt_form_parse(xmpp_stanza_t *x)
{
	struct xt_form *f;
	struct xt_field *fl;
	xmpp_stanza_t *c, *v;
	const char *name;

	if (!xt_form_is(x))
		return NULL;
	if ((f = calloc(1, sizeof(*f))) == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	f->type = xt_strdup(xmpp_stanza_get_type(x));
	for (c = xmpp_stanza_get_children(x); c; c = xmpp_stanza_get_next(c)) {
		if (!xmpp_stanza_is_tag(c))
			continue;
		name = xmpp_stanza_get_name(c);
		if (strcmp(name, "title") == 0 && f->title == NULL) {
			f->title = xt_stanza_text(c);
			continue;
		}
		if (strcmp(name, "instructions") == 0 &&
		    f->instructions == NULL) {
			f->instructions = xt_stanza_text(c);
			continue;
		}
		if (strcmp(name, "field") != 0 || f->nfields >= MAX_FIELDS)
			continue;
		f->fields = xt_grow(f->fields, f->nfields, sizeof(*fl));
		fl = &f->fields[f->nfields++];
		memset(fl, 0, sizeof(*fl));
		fl->var = xt_strdup(xmpp_stanza_get_attribute(c, "var"));
		fl->type = xt_strdup(xmpp_stanza_get_type(c));
		fl->label = xt_strdup(xmpp_stanza_get_attribute(c, "label"));
		for (v = xmpp_stanza_get_children(c); v;
		    v = xmpp_stanza_get_next(v)) {
			if (!xmpp_stanza_is_tag(v))
				continue;
			if (strcmp(xmpp_stanza_get_name(v), "option") == 0 &&
			    fl->noptions < MAX_VALUES) {
				fl->options = xt_grow(fl->options,
				    fl->noptions, sizeof(char *));
				fl->options[fl->noptions++] =
				    xt_stanza_child_text(v, "value");
				continue;
			}
			if (strcmp(xmpp_stanza_get_name(v), "value") != 0 ||
			    fl->nvalues >= MAX_VALUES)
				continue;
			fl->values = xt_grow(fl->values, fl->nvalues,
			    sizeof(char *));
			fl->values[fl->nvalues++] = xt_stanza_text(v);
		}
		/* XEP-0004 3.3: FORM_TYPE names what the form is. */
		if (fl->var != NULL && strcmp(fl->var, "FORM_TYPE") == 0 &&
		    fl->nvalues > 0 && f->form_type == NULL)
			f->form_type = fl->values[0];
	}
	return f;
}

const struct xt_field *
xt_form_field(const struct xt_form *f, const char *var)
{
	size_t i;

	for (i = 0; f != NULL && i < f->nfields; i++)
		if (f->fields[i].var != NULL && strcmp(f->fields[i].var, var)
		    == 0)
			return &f->fields[i];
	return NULL;
}

void
xt_form_free(struct xt_form *f)
{
	size_t i, j;

	if (f == NULL)
		return;
	for (i = 0; i < f->nfields; i++) {
		for (j = 0; j < f->fields[i].nvalues; j++)
			free(f->fields[i].values[j]);
		free(f->fields[i].values);
		for (j = 0; j < f->fields[i].noptions; j++)
			free(f->fields[i].options[j]);
		free(f->fields[i].options);
		free(f->fields[i].var);
		free(f->fields[i].type);
		free(f->fields[i].label);
	}
	free(f->fields);
	free(f->type);
	free(f->title);
	free(f->instructions);
	free(f);
}

json_t *
xt_form_field_json(const struct xt_field *fl)
{
	json_t *fo = json_object(), *vals;
	size_t j;

	if (fl->var)
		json_object_set_new(fo, "var", json_string(fl->var));
	if (fl->type)
		json_object_set_new(fo, "type", json_string(fl->type));
	if (fl->label)
		json_object_set_new(fo, "label", json_string(fl->label));
	vals = json_array();
	for (j = 0; j < fl->nvalues; j++)
		json_array_append_new(vals, json_string(fl->values[j]));
	json_object_set_new(fo, "values", vals);
	if (fl->noptions > 0) {
		vals = json_array();
		for (j = 0; j < fl->noptions; j++)
			if (fl->options[j] != NULL)
				json_array_append_new(vals,
				    json_string(fl->options[j]));
		json_object_set_new(fo, "options", vals);
	}
	return fo;
}

json_t *
xt_form_json(const struct xt_form *f)
{
	json_t *o = json_object(), *fields = json_array();
	size_t i;

	if (f->form_type)
		json_object_set_new(o, "form_type", json_string(f->form_type));
	if (f->type)
		json_object_set_new(o, "type", json_string(f->type));
	if (f->title)
		json_object_set_new(o, "title", json_string(f->title));
	for (i = 0; i < f->nfields; i++)
		json_array_append_new(fields, xt_form_field_json(
		    &f->fields[i]));
	json_object_set_new(o, "fields", fields);
	return o;
}

xmpp_stanza_t *
xt_form_add(xmpp_stanza_t *parent, const char *type, const char *form_type)
{
	xmpp_stanza_t *x = xt_stanza_add(parent, "x", NS_DATA, NULL), *f;

	xmpp_stanza_set_type(x, type);
	if (form_type != NULL) {
		f = xt_form_add_field(x, "FORM_TYPE", form_type);
		xmpp_stanza_set_type(f, "hidden");
	}
	return x;
}

xmpp_stanza_t *
xt_form_add_field(xmpp_stanza_t *form, const char *var, const char *value)
{
	xmpp_stanza_t *f = xt_stanza_add(form, "field", NULL, NULL);

	xmpp_stanza_set_attribute(f, "var", var);
	if (value != NULL)
		xt_stanza_add(f, "value", NULL, value);
	return f;
}

/* A field of var, or of prefix + var when var is a short name. */
static struct xt_field *
find_field(struct xt_form *f, const char *var, const char *prefix)
{
	char full[512];
	const struct xt_field *fl = xt_form_field(f, var);

	if (fl == NULL && prefix != NULL && strchr(var, '#') == NULL) {
		snprintf(full, sizeof(full), "%s%s", prefix, var);
		fl = xt_form_field(f, full);
	}
	return (struct xt_field *)fl;
}

static int
is_multi(const struct xt_field *fl)
{
	return fl->type != NULL && (strcmp(fl->type, "list-multi") == 0 ||
	    strcmp(fl->type, "jid-multi") == 0 ||
	    strcmp(fl->type, "text-multi") == 0);
}

/* XEP-0004 3.3: a boolean is 0, 1, false or true; we take yes/no too. */
static const char *
boolean_value(const char *v)
{
	if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0 ||
	    strcmp(v, "yes") == 0 || strcmp(v, "on") == 0)
		return "1";
	if (strcmp(v, "0") == 0 || strcmp(v, "false") == 0 ||
	    strcmp(v, "no") == 0 || strcmp(v, "off") == 0)
		return "0";
	return NULL;
}

int
xt_form_set(struct xt_form *f, const char *var, const char *value,
    const char *prefix, int append, char *why, size_t whylen)
{
	struct xt_field *fl = find_field(f, var, prefix);
	size_t i;

	if (fl == NULL || (fl->type != NULL && (strcmp(fl->type, "fixed") ==
	    0 || strcmp(fl->type, "hidden") == 0))) {
		snprintf(why, whylen, "no field '%s' in the form", var);
		return -1;
	}
	if (fl->type != NULL && strcmp(fl->type, "boolean") == 0) {
		if ((value = boolean_value(value)) == NULL) {
			snprintf(why, whylen, "'%s' is a boolean: 1 or 0, "
			    "true or false", fl->var);
			return -1;
		}
	}
	if (fl->noptions > 0 && fl->type != NULL &&
	    strncmp(fl->type, "list-", 5) == 0) {
		for (i = 0; i < fl->noptions; i++)
			if (fl->options[i] != NULL &&
			    strcmp(fl->options[i], value) == 0)
				break;
		if (i == fl->noptions) {
			char list[1024] = "";
			size_t len = 0;

			for (i = 0; i < fl->noptions && len < sizeof(list);
			    i++)
				len += snprintf(list + len, sizeof(list) - len,
				    "%s%s", i ? ", " : "", fl->options[i] ?
				    fl->options[i] : "");
			snprintf(why, whylen, "'%s' is not an option of '%s': "
			    "expected one of %s", value, fl->var, list);
			return -1;
		}
	}
	if (!(append && is_multi(fl))) {
		for (i = 0; i < fl->nvalues; i++)
			free(fl->values[i]);
		fl->nvalues = 0;
	}
	if (fl->nvalues >= MAX_VALUES) {
		snprintf(why, whylen, "too many values for '%s'", fl->var);
		return -1;
	}
	fl->values = xt_grow(fl->values, fl->nvalues, sizeof(char *));
	fl->values[fl->nvalues++] = xt_strdup(value);
	return 0;
}

xmpp_stanza_t *
xt_form_add_submit(xmpp_stanza_t *parent, const struct xt_form *f)
{
	xmpp_stanza_t *x = xt_form_add(parent, "submit", NULL), *fl;
	size_t i, j;

	for (i = 0; i < f->nfields; i++) {
		if (f->fields[i].var == NULL || (f->fields[i].type != NULL &&
		    strcmp(f->fields[i].type, "fixed") == 0))
			continue;
		fl = xt_form_add_field(x, f->fields[i].var, NULL);
		for (j = 0; j < f->fields[i].nvalues; j++)
			xt_stanza_add(fl, "value", NULL, f->fields[i].values[j]
			    ? f->fields[i].values[j] : "");
	}
	return x;
}
