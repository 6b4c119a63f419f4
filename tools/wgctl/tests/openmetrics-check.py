#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# Reads an OpenMetrics exposition (wgctl show --openmetrics) from FILE and
# checks it with the Prometheus client library's own OpenMetrics parser,
# which refuses what the format does not allow: a family split in two, a
# counter sample without _total, a unit its family's name does not end in,
# bad escaping, a missing "# EOF", and more. Then a few rules it does not
# enforce but Prometheus's naming conventions ask for.
#
# With --prometheus, FILE is in the Prometheus text format instead (wgctl
# show --prometheus, for node_exporter's textfile collector), read by the
# library's parser of that format, which is lenient: the rules it does not
# check are checked here (no "# EOF" or "# UNIT", HELP and TYPE before a
# family's samples and naming them, each family once).
#
# Prints one line per family ("NAME TYPE SAMPLES"), or the error and exits 1:
# the same lines for the same devices in either format.
#
#   usage: openmetrics-check.py [--prometheus] FILE

import re
import sys

from prometheus_client.openmetrics.parser import text_string_to_metric_families
from prometheus_client.parser import (
    text_string_to_metric_families as prometheus_text_to_metric_families)

NAME_RE = re.compile(r'^wgc_(device|peer)_[a-z0-9_]+$')


def check_prometheus_lines(text):
    """What the Prometheus text format asks, which its parser lets by."""
    typed = {}
    for line in text.splitlines():
        if line.startswith('# '):
            word = line.split(' ', 3)
            if word[1] not in ('HELP', 'TYPE'):
                raise ValueError(f'{line!r}: not a HELP or TYPE line')
            if word[1] == 'TYPE':
                if word[2] in typed:
                    raise ValueError(f'{word[2]}: typed twice')
                typed[word[2]] = word[3]
            continue
        name = re.match(r'[a-zA-Z_:][a-zA-Z0-9_:]*', line).group(0)
        if name not in typed:
            raise ValueError(f'{name}: a sample without its TYPE before it')


def families(text, prometheus):
    if prometheus:
        check_prometheus_lines(text)
        return prometheus_text_to_metric_families(text)
    return text_string_to_metric_families(text)


def check(text, prometheus=False):
    seen = set()
    for family in families(text, prometheus):
        if not NAME_RE.match(family.name):
            raise ValueError(f'{family.name}: not a wgc_device_/wgc_peer_ name in snake case')
        if family.name in seen:
            raise ValueError(f'{family.name}: twice')
        seen.add(family.name)
        if family.unit and not family.name.endswith('_' + family.unit):
            raise ValueError(f'{family.name}: does not end in its unit {family.unit}')
        if family.type == 'counter' and family.name.endswith('_total'):
            raise ValueError(f'{family.name}: a counter family named with _total')
        labelsets = set()
        for sample in family.samples:
            if 'interface' not in sample.labels:
                raise ValueError(f'{sample.name}: no interface label')
            key = (sample.name, tuple(sorted(sample.labels.items())))
            if key in labelsets:
                raise ValueError(f'{sample.name}{sample.labels}: twice')
            labelsets.add(key)
        print(family.name, family.type, len(family.samples))


def main():
    args = sys.argv[1:]
    prometheus = args[:1] == ['--prometheus']
    if prometheus:
        args = args[1:]
    if len(args) != 1:
        print('usage: openmetrics-check.py [--prometheus] FILE', file=sys.stderr)
        return 2
    with open(args[0], encoding='utf-8') as f:
        text = f.read()
    try:
        check(text, prometheus)
    except ValueError as e:
        print(f'openmetrics-check: {e}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
