#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Unit tests of options.c and account.c: precedence, accounts, exit codes,
# every password source.
exec "$(dirname "$0")/unit/account"
