import { compileSegmentTemplate } from '../../../core/dash/segment-template.js';

describe('compileSegmentTemplate', () => {
  test('reads $Number$ (with a width format) back from a segment URL', () => {
    const template = compileSegmentTemplate('seg-$RepresentationID$-$Number%03d$.m4s', 'v1');
    expect(template.hasNumber).toBe(true);
    expect(template.hasTime).toBe(false);
    expect(template.match('http://cdn.example/a/seg-v1-007.m4s')).toEqual({ number: 7 });
    expect(template.match('http://cdn.example/a/seg-v1-1234.m4s?token=x')).toEqual({
      number: 1234,
    });
  });

  test('reads $Time$ back, and both when both are present', () => {
    expect(compileSegmentTemplate('t/$Time$.mp4', 'a').match('https://h/x/t/102400.mp4')).toEqual({
      time: 102400,
    });
    expect(
      compileSegmentTemplate('$Number$_$Time$.m4s', 'a').match('https://h/5_1000.m4s'),
    ).toEqual({ number: 5, time: 1000 });
  });

  test("does not match another Representation's segments or another file name", () => {
    const template = compileSegmentTemplate('seg-$RepresentationID$-$Number$.m4s', '1');
    expect(template.match('http://h/seg-11-3.m4s')).toBeUndefined();
    expect(template.match('http://h/seg-1-3.m4s.bak')).toBeUndefined();
    expect(template.match('http://h/xseg-1-3.m4s')).toBeUndefined();
  });

  test('escapes regular-expression characters of the template and of the Representation id', () => {
    const template = compileSegmentTemplate('v.$RepresentationID$/($Number$)+.m4s', 'a+b');
    expect(template.match('http://h/v.a+b/(4)+.m4s')).toEqual({ number: 4 });
    expect(template.match('http://h/vXa+b/(4)+.m4s')).toBeUndefined();
  });

  test('$Bandwidth$ matches digits without being taken as the id; $$ is a literal dollar', () => {
    const template = compileSegmentTemplate('$Bandwidth$/$$$Number$.m4s', 'r');
    expect(template.match('http://h/800000/$9.m4s')).toEqual({ number: 9 });
  });
});
