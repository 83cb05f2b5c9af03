#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Unit tests of datetime.c: XEP-0082 date-times as received and printed.
exec "$(dirname "$0")/unit/datetime"
