#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Unit tests of jid.c: which JIDs pass the structural checks.
exec "$(dirname "$0")/unit/jid"
