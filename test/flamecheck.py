#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks a flame graph SVG written by --svg (lib/flame.c), for the stack tools' tests.

  flamecheck.py svg FILE TITLE UNIT
      FILE is well-formed XML; its title and unit; every frame's tooltip, width (its share of
      the plot) and place (inside its parent); prints "frames N total T".
  flamecheck.py dom FILE COMM HOT SEARCH
      FILE is the DOM chromium dumped after loading the SVG with ?s=SEARCH: the script ran
      (data-ready="1", no data-error), labels were fitted, the search marked exactly the frames
      matching SEARCH and its share is theirs; in the process frame COMM, the frame with the
      most time of its own (self) is HOT. Prints what it found.
  flamecheck.py zoom FILE NAME
      FILE is the DOM chromium dumped after loading the SVG with ?z=NAME: the first frame named
      NAME fills the plot, the frames below it (its callers) are faded to full width, the frames
      above it are scaled to it, and every other frame is hidden.
Exits 1 with the reason on the first failed check.
"""
import re
import sys
import xml.etree.ElementTree as ET

NS = '{http://www.w3.org/2000/svg}'


def fail(msg):
    print('flamecheck: ' + msg)
    sys.exit(1)


def frames(root):
    out = []
    grp = root.find(NS + 'g[@id="frames"]')
    if grp is None:
        fail('no <g id="frames">')
    for g in grp.findall(NS + 'g'):
        title = g.find(NS + 'title').text
        m = re.fullmatch(r'(.*) \((\d+) (\S+), ([\d.]+)%\)', title, re.S)
        if not m:
            fail('bad tooltip: %r' % title)
        rect, text = g.find(NS + 'rect'), g.find(NS + 'text')
        out.append({
            'name': m.group(1), 'tv': int(m.group(2)), 'unit': m.group(3),
            'pct': float(m.group(4)), 'cls': g.get('class', '').split(),
            'v': int(g.get('data-v')), 's': int(g.get('data-s')), 'd': int(g.get('data-d')),
            'x': float(rect.get('x')), 'w': float(rect.get('width')),
            'label': text.text or '',
        })
    return out


def check_svg(path, title, unit):
    root = ET.parse(path).getroot()
    if root.tag != NS + 'svg':
        fail('root is %s' % root.tag)
    t = root.find(NS + 'text[@id="title"]')
    if t is None or t.text != title:
        fail('title %r, expected %r' % (t.text if t is not None else None, title))
    if root.get('data-unit') != unit:
        fail('unit %r, expected %r' % (root.get('data-unit'), unit))
    if root.find(NS + 'script') is None:
        fail('no script')
    width, xpad = float(root.get('width')), float(root.get('data-xpad'))
    total = int(root.get('data-total'))
    plot = width - 2 * xpad
    fr = frames(root)
    if not fr or fr[0]['name'] != 'all' or fr[0]['v'] != total:
        fail('the first frame is not "all" of the total')
    parents = {0: fr[0]}
    for f in fr:
        if f['tv'] != f['v'] or f['unit'] != unit:
            fail('tooltip of %s: %d %s' % (f['name'], f['tv'], f['unit']))
        if abs(f['pct'] - 100.0 * f['v'] / total) > 0.006:
            fail('share of %s: %.2f%%' % (f['name'], f['pct']))
        if abs(f['w'] - f['v'] * plot / total) > 0.006 or \
                abs(f['x'] - (xpad + f['s'] * plot / total)) > 0.006:
            fail('geometry of %s: x %.2f w %.2f' % (f['name'], f['x'], f['w']))
        if f['d'] > 0:
            p = parents.get(f['d'] - 1)
            if p is None or f['s'] < p['s'] or f['s'] + f['v'] > p['s'] + p['v']:
                fail('%s is not inside its parent' % f['name'])
        parents[f['d']] = f
    print('frames %d total %d' % (len(fr), total))


def check_dom(path, comm, hot, search):
    root = ET.parse(path).getroot()
    if root.get('data-error') is not None:
        fail('script error: %s' % root.get('data-error'))
    if root.get('data-ready') != '1':
        fail('the script did not run (no data-ready)')
    fr = frames(root)
    if root.get('data-frames') != str(len(fr)):
        fail('the script saw %s frames of %d' % (root.get('data-frames'), len(fr)))
    for f in fr:
        lab = f['label']
        if lab and lab != f['name'] and not (lab.endswith('..') and f['name'].startswith(lab[:-2])):
            fail('label %r of %r' % (lab, f['name']))
    # the search: exactly the matching frames marked; the share is the union of their spans
    rx = re.compile(search)
    total = int(root.get('data-total'))
    spans = []
    for f in fr:
        if bool(rx.search(f['name'])) != ('match' in f['cls']):
            fail('search mark of %s' % f['name'])
        if 'match' in f['cls']:
            spans.append((f['s'], f['s'] + f['v']))
    covered, end = 0, -1
    for a, b in sorted(spans):
        if b > end:
            covered += b - max(a, end)
            end = b
    want = 100.0 * covered / total
    got = float(root.get('data-matched', 'nan'))
    if abs(got - want) > 0.006:
        fail('matched %.2f%%, expected %.2f%%' % (got, want))
    procs = [f for f in fr if f['name'] == comm and 'p' in f['cls'] and f['d'] == 1]
    if len(procs) != 1:
        fail('%d process frames %s' % (len(procs), comm))
    p = procs[0]
    inside = [f for f in fr if f['d'] > 1 and p['s'] <= f['s'] and f['s'] + f['v'] <= p['s'] + p['v']]
    for f in inside:
        f['self'] = f['v'] - sum(c['v'] for c in inside if c['d'] == f['d'] + 1 and
                                 f['s'] <= c['s'] < f['s'] + f['v'])
    best = max(inside, key=lambda f: f['self'])
    print('%s: %d; most self time: %s %d (%s: %.1f%%); matched %.2f%%' % (
        comm, p['v'], best['name'], best['self'], hot,
        100.0 * sum(f['self'] for f in inside if f['name'] == hot) / p['v'], got))
    if best['name'] != hot:
        fail('the widest frame of its own in %s is %s, not %s' % (comm, best['name'], hot))
    hot_label = [f['label'] for f in inside if f['name'] == hot]
    if hot not in hot_label:
        fail('no full label %s: %r' % (hot, hot_label))


def check_zoom(path, name):
    root = ET.parse(path).getroot()
    if root.get('data-ready') != '1' or root.get('data-error') is not None:
        fail('the script did not run cleanly')
    width, xpad = float(root.get('width')), float(root.get('data-xpad'))
    plot = width - 2 * xpad
    fr = frames(root)
    z = next((f for f in fr if f['name'] == name), None)
    if z is None:
        fail('no frame %s' % name)
    shown = hidden = 0
    for f in fr:
        inside = f['s'] >= z['s'] and f['s'] + f['v'] <= z['s'] + z['v']
        if f['d'] < z['d'] and f['s'] <= z['s'] and f['s'] + f['v'] >= z['s'] + z['v']:
            want = ('parent', xpad, plot)
        elif f['d'] >= z['d'] and inside:
            want = ('', xpad + (f['s'] - z['s']) * plot / z['v'], f['v'] * plot / z['v'])
        else:
            if 'hide' not in f['cls']:
                fail('%s is shown' % f['name'])
            hidden += 1
            continue
        if 'hide' in f['cls'] or (want[0] == 'parent') != ('parent' in f['cls']):
            fail('classes of %s: %s' % (f['name'], f['cls']))
        if abs(f['x'] - want[1]) > 0.006 or abs(f['w'] - want[2]) > 0.006:
            fail('zoomed geometry of %s: x %.2f w %.2f' % (f['name'], f['x'], f['w']))
        shown += 1
    print('zoomed on %s: %d shown, %d hidden' % (name, shown, hidden))


if __name__ == '__main__':
    if len(sys.argv) == 5 and sys.argv[1] == 'svg':
        check_svg(*sys.argv[2:])
    elif len(sys.argv) == 4 and sys.argv[1] == 'zoom':
        check_zoom(*sys.argv[2:])
    elif len(sys.argv) == 6 and sys.argv[1] == 'dom':
        check_dom(*sys.argv[2:])
    else:
        print(__doc__)
        sys.exit(2)
