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
# Prints one line per family ("NAME TYPE SAMPLES"), or the error and exits 1.
#
#   usage: openmetrics-check.py FILE

import re
import sys

from prometheus_client.openmetrics.parser import text_string_to_metric_families

NAME_RE = re.compile(r'^wgc_(device|peer)_[a-z0-9_]+$')


def check(text):
    seen = set()
    for family in text_string_to_metric_families(text):
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
    if len(sys.argv) != 2:
        print('usage: openmetrics-check.py FILE', file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding='utf-8') as f:
        text = f.read()
    try:
        check(text)
    except ValueError as e:
        print(f'openmetrics-check: {e}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
