/**
 * The rules of the check one by one, each on a small config: the exact diagnostic (line:col,
 * code, message) a mistake gets, and no diagnostic for the valid form next to it. Alloy v1.18.1's
 * behaviour each rule follows is named with the test (paths in grafana/alloy at v1.18.1).
 */
import { CheckDiagnostic, CheckOptions, checkFile } from '../../../lib/alloy/check';
import { parseFileOrThrow } from '../../../lib/alloy/syntax/parser';

function diagnostics(lines: readonly string[], options?: CheckOptions): readonly CheckDiagnostic[] {
  const file = parseFileOrThrow([...lines, ''].join('\n'), 'config.alloy');
  // no options at all is the default: no stability level to enforce, the shipped catalog
  return options === undefined ? checkFile(file).diagnostics : checkFile(file, options).diagnostics;
}

/** Each problem as `line:col severity code: message`. */
function check(lines: readonly string[], options?: CheckOptions): string[] {
  return diagnostics(lines, options).map((d) =>
    `${d.position.line}:${d.position.column} ${d.severity === 'warning' ? 'warning ' : ''}${d.code}: ${d.message}`);
}

/** Where each problem starts and ends, `line:col-line:col`. */
function spans(lines: readonly string[]): string[] {
  return diagnostics(lines).map((d) => `${d.position.line}:${d.position.column}-${d.endPosition!.line}:${d.endPosition!.column}`);
}

const SECRET_HINT = 'read it with sys.env("NAME") or from a remote.kubernetes.secret export';
const DURATION_HINT = 'write it as Go does, such as "30s", "5m" or "1h30m"';

/** prometheus.scrape "s" with its required arguments and `extra` lines. */
const scrape = (...extra: string[]): string[] => ['prometheus.scrape "s" {', '  targets    = []', '  forward_to = []', ...extra, '}'];

describe('the statements of a module (internal/runtime/source.go, internal/validator/validate.go)', () => {
  test('an argument at the top level of a file, a declare block or a foreach template', () => {
    expect(check(['x = 1'])).toEqual([
      '1:1 unknown-argument: an argument cannot stand at the top level of a file (got x = ...); put it inside the block it belongs to']);
    expect(check(['declare "d" {', '  y = 2', '}'])).toEqual([
      '2:3 unknown-argument: an argument cannot stand at the top level of a declare block (got y = ...); put it inside the block it belongs to']);
    expect(check(['foreach "f" {', '  collection = [1]', '  var        = "v"', '  template {', '    z = 3', '  }', '}'])).toEqual([
      '5:5 unknown-argument: an argument cannot stand at the top level of a foreach template (got z = ...); put it inside the block it belongs to']);
  });

  test('declare, import.*, argument, foreach and components need a label', () => {
    const missing = (name: string): string =>
      `missing-label: the block ${name} has no label; write ${name} "<label>" { ... } with a label that is an identifier, such as "default"`;
    expect(check(['declare {', '}'])).toEqual([`1:1 ${missing('declare')}`]);
    expect(check(['import.file {', '  filename = "m.alloy"', '}'])).toEqual([`1:1 ${missing('import.file')}`]);
    expect(check(['declare "d" {', '  argument { }', '}'])).toEqual([`2:3 ${missing('argument')}`]);
    expect(check(['foreach {', '  collection = [1]', '  var        = "v"', '  template { }', '}'])).toEqual([`1:1 ${missing('foreach')}`]);
    expect(check(['declare "d" { }', 'd { }'])).toEqual([
      '2:1 missing-label: the component d has no label; write d "<label>" { ... } with a label that is an identifier, such as "default"']);
  });

  test('"declare" is no label for a declare block (controller/loader.go), marked on the label', () => {
    const text = ['declare "declare" {', '}'];
    expect(check(text)).toEqual([
      '1:9 missing-label: the label "declare" is not valid for a declare block (Alloy reserves it); choose another, such as "my_component"']);
    expect(spans(text)).toEqual(['1:9-1:18']);
  });

  test('a label on a block that takes none is marked on the label, quotes included', () => {
    const config = ['logging "l" { }'];
    expect(check(config)).toEqual(['1:9 unexpected-label: the logging block takes no label (got "l"); write logging { ... }']);
    expect(spans(config)).toEqual(['1:9-1:12']);
    const nested = ['prometheus.remote_write "x" {', '  endpoint "e" {', '    url = "http://mimir/api/v1/push"', '  }', '}'];
    expect(check(nested)).toEqual([
      '2:12 unexpected-label: block endpoint of prometheus.remote_write "x" takes no label (got "e"); write endpoint { ... }']);
    expect(spans(nested)).toEqual(['2:12-2:15']);
  });

  test('argument and export blocks in a foreach template', () => {
    expect(check([
      'declare "d" {', '  foreach "f" {', '    collection = [1]', '    var        = "v"', '    template {',
      '      argument "a" { }', '      export "e" {', '        value = 1', '      }', '    }', '  }', '}',
    ])).toEqual([
      '6:7 misplaced-block: argument blocks only stand inside a module (a declare block or a file imported with import.*), not at the top of a foreach template; move it into a declare block, or remove it',
      '7:7 misplaced-block: export blocks only stand inside a module (a declare block or a file imported with import.*), not at the top of a foreach template; move it into a declare block, or remove it',
    ]);
  });

  test('configuration and service blocks only at the top of the main file (controller/node_config.go, loader.go)', () => {
    expect(check(['declare "d" {', '  logging { }', '}'])).toEqual([
      '2:3 misplaced-block: the logging block only stands at the top of the main file, not inside a declare block; move it there']);
    expect(check(['foreach "f" {', '  collection = [1]', '  var        = "v"', '  template {', '    remotecfg { }', '  }', '}'])).toEqual([
      '5:5 misplaced-block: the remotecfg block only stands at the top of the main file, not inside a foreach template; move it there']);
    // remotecfg's body is not in the catalog: at the top of the file, anything goes
    expect(check(['remotecfg {', '  url      = "https://fleet"', '  anything = 1', '}'])).toEqual([]);
  });

  test('foreach needs a template (internal/validator/validate.go)', () => {
    expect(check(['foreach "f" {', '  collection = [1]', '  var        = "v"', '}'])).toEqual([
      '1:1 missing-block: foreach "f" is missing its required block "template"; add template { ... } with the components to repeat']);
  });

  test('a foreach var that is not a string names no variable: the template cannot use it', () => {
    const text = ['foreach "f" {', '  collection = [1]', '  var        = 1', '  template {', '    local.file "x" {', '      filename = v', '    }', '  }', '}'];
    expect(check(text)).toEqual([
      '6:18 unknown-reference: v names no component of this file and nothing in Alloy\'s standard library; define the component it refers to, or fix the reference']);
    expect(check(text.map((l) => l.replace('var        = 1', 'var        = "v"')))).toEqual([]);
  });

  test('labels are unique within a foreach template', () => {
    expect(check([
      'foreach "f" {', '  collection = [1]', '  var        = "v"', '  template {',
      '    local.file "a" {', '      filename = v', '    }', '    local.file "a" {', '      filename = v', '    }', '  }', '}',
    ])).toEqual([
      '8:5 duplicate-label: duplicate component local.file "a", also at 5:5 (got label "a"); a label must be unique among the local.file components of a config: rename one, such as "a_2"']);
  });
});

describe('components', () => {
  test('a component Alloy v1.18.1 removed', () => {
    expect(check(['otelcol.receiver.opencensus "x" { }'])).toEqual([
      '1:1 unknown-component: component otelcol.receiver.opencensus is no longer part of Alloy v1.18.1 (it was removed)']);
  });

  test('an unknown component with no close name', () => {
    expect(check(['zzzz.qqqq "x" { }'])).toEqual([
      '1:1 unknown-component: unknown component zzzz.qqqq (Alloy v1.18.1 has no component or block of that name); ' +
      'check the name against the Alloy reference, or declare it with a declare block']);
  });

  test('an unknown argument or block with no close name lists what the body takes', () => {
    expect(check(['local.file "x" {', '  filename = "/f"', '  zzzzzzzz = 1', '}'])).toEqual([
      '3:3 unknown-argument: unknown argument zzzzzzzz of local.file "x" (Alloy v1.18.1); its arguments: detector, filename, is_secret, poll_frequency']);
    expect(check(['local.file "x" {', '  filename = "/f"', '  zzzzzzzz { }', '}'])).toEqual([
      '3:3 unknown-block: unknown block zzzzzzzz in local.file "x" (Alloy v1.18.1); it takes no blocks']);
    expect(check(['prometheus.remote_write "x" {', '  zzzzzzzzzz { }', '}'])).toEqual([
      '2:3 unknown-block: unknown block zzzzzzzzzz in prometheus.remote_write "x" (Alloy v1.18.1); its blocks: endpoint, wal']);
  });

  test('a long list of arguments is cut after twelve names', () => {
    expect(check(scrape('  zzzzzzzzzzzzzzzz = 1'))).toEqual([
      '4:3 unknown-argument: unknown argument zzzzzzzzzzzzzzzz of prometheus.scrape "s" (Alloy v1.18.1); its arguments: ' +
      'bearer_token, bearer_token_file, body_size_limit, convert_classic_histograms_to_nhcb, enable_compression, enable_http2, ' +
      'enable_protobuf_negotiation, enable_type_and_unit_labels, extra_metrics, follow_redirects, forward_to, honor_labels and 29 more']);
  });

  test('a block that takes a label needs one', () => {
    expect(check(['prometheus.exporter.snmp "s" {', '  config_file = "/snmp.yml"', '  target {', '    address = "10.0.0.1"', '  }',
      '  target "router" {', '    address = "10.0.0.2"', '  }', '}'])).toEqual([
      '3:3 missing-label: block target of prometheus.exporter.snmp "s" needs a label; write target "<label>" { ... }']);
  });

  test('a missing required argument says its kind', () => {
    expect(check(['local.file "x" { }'])).toEqual([
      '1:1 missing-argument: local.file "x" is missing the required argument filename (string); add filename = ...']);
  });

  test('a missing required list of exports says which export it takes', () => {
    expect(check(['otelcol.exporter.prometheus "p" { }', 'otelcol.processor.batch "b" {', '  output { }', '}', 'pyroscope.java "j" {', '  targets = []', '}'])).toEqual([
      '1:1 missing-argument: otelcol.exporter.prometheus "p" is missing the required argument forward_to (a list of .receiver exports); add forward_to = ...',
      '5:1 missing-argument: pyroscope.java "j" is missing the required argument forward_to (a list of .receiver exports); add forward_to = ...',
    ]);
  });
});

describe('custom components (controller/component_node_manager.go, node_custom_component.go)', () => {
  const declare = ['declare "d" {', '  argument "alpha" { }', '  argument "beta" {', '    optional = true', '  }', '}'];

  test('a declared component takes arguments, not blocks', () => {
    expect(check([...declare, 'd "x" {', '  alpha = 1', '  b { }', '}'])).toEqual([
      '9:3 unknown-block: d "x" is declared with declare "d", which takes arguments only, not blocks (got b { ... }); pass the value as an argument']);
  });

  test('an unknown argument of a declared component lists its arguments, or says it takes none', () => {
    expect(check([...declare, 'd "x" {', '  alpha  = 1', '  zzzzzz = 2', '}'])).toEqual([
      '9:3 unknown-argument: unknown argument zzzzzz of d "x": declare "d" has no argument block of that name; its arguments: alpha, beta']);
    expect(check(['declare "d" { }', 'd "x" {', '  a = 1', '}'])).toEqual([
      '3:3 unknown-argument: unknown argument a of d "x": declare "d" has no argument block of that name; it takes no arguments']);
  });

  test('a nested declare sees the declare blocks around it, wherever they stand', () => {
    expect(check([
      'declare "outer" {', '  declare "inner" {', '    argument "a" { }', '  }', '  inner "i" {', '    a = 1', '  }', '  sibling "s" { }', '}',
      'declare "sibling" { }',
    ])).toEqual([]);
  });

  test('a declare is no namespace: declare "d" has no component d.sub', () => {
    expect(check(['declare "d" { }', 'd.sub "x" { }'])).toEqual([
      '2:1 unknown-component: unknown component d.sub: d is declare "d", not the namespace of an import.* block, so d.sub names nothing; ' +
      'write d "x" { ... } for an instance of declare "d"']);
  });

  test('an import.* namespace is no component: its components are namespace.name', () => {
    const text = ['import.file "m" {', '  filename = "m.alloy"', '}', 'm "x" { }'];
    expect(check(text)).toEqual([
      '4:1 unknown-component: m is the namespace of an import.* block, not a component; write m.<component> "x" { ... } with a component the module declares']);
    expect(check(text.map((l) => l.replace('m "x"', 'm.pods "x"')))).toEqual([]);
  });

  test('a module imported around a declare is visible inside it', () => {
    expect(check(['import.file "m" {', '  filename = "m.alloy"', '}', 'declare "d" {', '  m.pods "x" { }', '}'])).toEqual([]);
  });
});

describe('literals against the kind of their argument (syntax/internal/value)', () => {
  const mismatch = (at: string, where: string, expected: string, got: string, hint: string): string =>
    `${at} type-mismatch: ${where} must be ${expected} (got ${got}); ${hint}`;

  test('a string takes numbers, not bools, lists or objects', () => {
    expect(check(['local.file "x" {', '  filename = 5', '}'])).toEqual([]);
    expect(check(['local.file "x" {', '  filename = true', '}'])).toEqual([
      mismatch('2:14', 'filename of local.file "x"', 'a string', 'true', 'write it in double quotes')]);
    expect(check(['local.file "x" {', '  filename = ["a"]', '}'])).toEqual([
      mismatch('2:14', 'filename of local.file "x"', 'a string', 'a list', 'write it in double quotes')]);
  });

  test('a number takes strings Go parses as numbers: signed integers, floats (value.go, convertValue)', () => {
    expect(check(scrape('  sample_limit = "-5"', '  label_name_length_limit = "1e3"', '  label_value_length_limit = ".5"'))).toEqual([]);
    const hint = 'write a number without quotes, such as 10';
    expect(check(scrape('  sample_limit = false', '  label_limit = "-5.5"', '  label_value_length_limit = "1.5.5"'))).toEqual([
      mismatch('4:18', 'sample_limit of prometheus.scrape "s"', 'a number', 'false', hint),
      mismatch('5:17', 'label_limit of prometheus.scrape "s"', 'a number', 'the string "-5.5"', hint),
      mismatch('6:30', 'label_value_length_limit of prometheus.scrape "s"', 'a number', 'the string "1.5.5"', hint),
    ]);
  });

  test('a duration takes the number 0, and -0, but no other number', () => {
    expect(check(scrape('  scrape_interval = 0', '  scrape_timeout  = -0'))).toEqual([]);
    expect(check(scrape('  scrape_interval = 30', '  scrape_timeout  = -(5)'))).toEqual([
      mismatch('4:21', 'scrape_interval of prometheus.scrape "s"', 'a duration', 'the number 30', DURATION_HINT),
      mismatch('5:21', 'scrape_timeout of prometheus.scrape "s"', 'a duration', 'the number -(5)', DURATION_HINT),
    ]);
  });

  test('a secret takes a string only, not a number (syntax/alloytypes/secret.go); the empty string is no secret to hide', () => {
    const loki = (...lines: string[]): string[] => ['loki.write "w" {', '  endpoint {', '    url = "http://loki"', ...lines, '  }', '}'];
    expect(check(loki('    bearer_token = ""'))).toEqual([]);
    expect(check(loki('    bearer_token = 1234'))).toEqual([
      mismatch('4:20', 'bearer_token of loki.write "w" > endpoint', 'a secret (a string)', 'the number 1234', SECRET_HINT)]);
    expect(check(loki('    bearer_token = false'))).toEqual([
      mismatch('4:20', 'bearer_token of loki.write "w" > endpoint', 'a secret (a string)', 'false', SECRET_HINT)]);
  });

  test('lists check each element', () => {
    expect(check(['beyla.ebpf "b" {', '  discovery {', '    instrument {', '      target_pids = [1, "2", "x", true]', '    }', '  }', '}'])).toEqual([
      mismatch('4:30', 'target_pids of beyla.ebpf "b" > discovery > instrument[2]', 'a number', 'the string "x"', 'write a number without quotes, such as 10'),
      mismatch('4:35', 'target_pids of beyla.ebpf "b" > discovery > instrument[3]', 'a number', 'true', 'write a number without quotes, such as 10'),
    ]);
    expect(check(['otelcol.connector.servicegraph "g" {', '  latency_histogram_buckets = ["1s", 0, 5, "x"]', '  output { }', '}'])).toEqual([
      mismatch('2:41', 'latency_histogram_buckets of otelcol.connector.servicegraph "g"[2]', 'a duration', 'the number 5', DURATION_HINT),
      mismatch('2:44', 'latency_histogram_buckets of otelcol.connector.servicegraph "g"[3]', 'a duration', 'the string "x"', DURATION_HINT),
    ]);
    expect(check(['prometheus.exporter.postgres "p" {', '  data_source_names = [sys.env("DSN"), 1]', '}'])).toEqual([
      mismatch('2:40', 'data_source_names of prometheus.exporter.postgres "p"[1]', 'a secret (a string)', 'the number 1', SECRET_HINT)]);
    expect(check(['prometheus.exporter.postgres "p" {', '  data_source_names = "postgres://db"', '}'])).toEqual([
      mismatch('2:23', 'data_source_names of prometheus.exporter.postgres "p"', 'a list of secrets', 'the string "postgres://db"', 'write a list such as [sys.env("TOKEN")]')]);
  });

  test('objects check each value', () => {
    expect(check(['remote.vault "v" {', '  server = "https://vault"', '  path   = "secret/x"', '  auth.custom {', '    path = "auth/x"',
      '    data = { token = sys.env("T"), n = [1] }', '  }', '}'])).toEqual([
      mismatch('6:40', 'data of remote.vault "v" > auth.custom["n"]', 'a secret (a string)', 'a list', SECRET_HINT)]);
    expect(check(['beyla.ebpf "b" {', '  attributes {', '    kubernetes {', '      enable          = "true"',
      '      resource_labels = { a = ["x", 1], b = "y" }', '    }', '  }', '}'])).toEqual([
      mismatch('5:45', 'resource_labels of beyla.ebpf "b" > attributes > kubernetes["b"]', 'a list of strings', 'the string "y"', 'write a list such as ["a", "b"]')]);
    expect(check(['discovery.aws "a" {', '  role         = "ec2"', '  http_headers = { "X" = [sys.env("H")], "Y" = ["a", true] }', '}'])).toEqual([
      '3:49 warning literal-secret: http_headers of discovery.aws "a"["Y"][0] is a secret written in the file as a literal string; ' +
      `${SECRET_HINT}, so it stays out of the config`,
      mismatch('3:54', 'http_headers of discovery.aws "a"["Y"][1]', 'a secret (a string)', 'true', SECRET_HINT),
    ]);
  });

  test('map(any) takes any object, and only an object', () => {
    const oauth2 = (claims: string): string[] => ['otelcol.auth.oauth2 "o" {', '  token_url     = "https://idp/token"', '  client_id     = "c"',
      '  client_secret = sys.env("S")', `  claims        = ${claims}`, '}'];
    expect(check(oauth2('{ a = 1, b = [true] }'))).toEqual([]);
    expect(check(oauth2('[1]'))).toEqual([
      mismatch('5:19', 'claims of otelcol.auth.oauth2 "o"', 'an object', 'a list', 'write an object such as { key = "value" }')]);
  });

  test('relabel rules and handlers are exports, never literals; a storage handler is named as one', () => {
    const reference = 'reference the component\'s export instead of writing a value';
    expect(check(['loki.source.api "a" {', '  forward_to    = []', '  relabel_rules = []', '  http { }', '}'])).toEqual([
      mismatch('3:19', 'relabel_rules of loki.source.api "a"', 'the export of a component (such as prometheus.relabel.default.rules)', 'a list', reference)]);
    const otlp = (...lines: string[]): string[] => ['otelcol.exporter.otlp "o" {', '  client {', '    endpoint = "tempo:4317"', ...lines, '}'];
    expect(check(otlp('    auth     = "basic"', '  }'))).toEqual([
      mismatch('4:16', 'auth of otelcol.exporter.otlp "o" > client', 'the export of a component (such as otelcol.auth.basic.default.handler)', 'the string "basic"', reference)]);
    expect(check(otlp('  }', '  sending_queue {', '    storage = "file"', '  }'))).toEqual([
      mismatch('6:15', 'storage of otelcol.exporter.otlp "o" > sending_queue', 'the export of a component (such as otelcol.storage.file.default.handler)', 'the string "file"', reference)]);
    expect(check([...otlp('  }', '  sending_queue {', '    storage = otelcol.storage.file.f.handler', '  }'), 'otelcol.storage.file "f" { }'])).toEqual([]);
  });

  test('a handler outside the shipped catalog is described as any .handler export', () => {
    const catalog = {
      components: { 'x.y': { stability: 'generally-available' as const, arguments: { h: { kind: 'handler' as const, required: false } }, blocks: {}, exports: {} } },
      configBlocks: {},
    };
    expect(check(['x.y "a" {', '  h = 1', '}'], { catalog })).toEqual([
      mismatch('2:7', 'h of x.y "a"', 'the export of a component (a .handler export, such as otelcol.auth.basic.default.handler or otelcol.storage.file.default.handler)',
        'the number 1', 'reference the component\'s export instead of writing a value')]);
  });

  test('targets: a list of objects', () => {
    expect(check(['prometheus.scrape "s" {', '  targets    = [{"__address__" = "a:1"}, null, "b:2", (1)]', '  forward_to = []', '}'])).toEqual([
      '2:48 type-mismatch: targets of prometheus.scrape "s"[2] must be a target, an object of labels (got the string "b:2"); write it as { "__address__" = "host:port" }',
      '2:55 type-mismatch: targets of prometheus.scrape "s"[3] must be a target, an object of labels (got the number 1); write it as { "__address__" = "host:port" }',
    ]);
    expect(check(['prometheus.scrape "s" {', '  targets    = "a:1"', '  forward_to = []', '}'])).toEqual([
      mismatch('2:16', 'targets of prometheus.scrape "s"', 'a list of targets', 'the string "a:1"',
        'write a list of objects, or reference an export such as discovery.kubernetes.pods.targets')]);
  });

  test('consumers and receivers: lists of exports, never literals', () => {
    expect(check(['otelcol.processor.batch "b" {', '  output {', '    traces = "x"', '    logs   = [null, 1]', '  }', '}'])).toEqual([
      mismatch('3:14', 'traces of otelcol.processor.batch "b" > output', 'a list of component exports (.input)', 'the string "x"',
        'write a list such as [otelcol.exporter.otlp.default.input]'),
      '4:21 type-mismatch: logs of otelcol.processor.batch "b" > output[1] must be the .input export of a component (got the number 1); ' +
      'reference one, such as otelcol.exporter.otlp.default.input',
    ]);
    expect(check(['otelcol.exporter.prometheus "p" {', '  forward_to = [{}]', '}'])).toEqual([
      '2:17 type-mismatch: forward_to of otelcol.exporter.prometheus "p"[0] must be the .receiver export of a component (got an object); ' +
      'reference one, such as prometheus.remote_write.default.receiver']);
    expect(check(['pyroscope.ebpf "p" {', '  targets    = []', '  forward_to = "p"', '}'])).toEqual([
      mismatch('3:16', 'forward_to of pyroscope.ebpf "p"', 'a list of component exports (.receiver)', 'the string "p"',
        'write a list such as [pyroscope.write.default.receiver]')]);
  });

  test('parentheses and negations: the value inside is checked; an expression is not', () => {
    expect(check(['local.file "d" {', '  filename  = (true)', '  is_secret = !(sys.env("X") == "x")', '}'])).toEqual([
      mismatch('2:15', 'filename of local.file "d"', 'a string', 'true', 'write it in double quotes')]);
    expect(check(scrape('  honor_labels = -1', '  sample_limit = !true'))).toEqual([
      mismatch('4:18', 'honor_labels of prometheus.scrape "s"', 'a bool', 'the number -1', 'write true or false, without quotes'),
      mismatch('5:18', 'sample_limit of prometheus.scrape "s"', 'a number', '!true', 'write a number without quotes, such as 10'),
    ]);
  });

  test('a long value is shortened in the message', () => {
    expect(check(['local.file "x" {', '  filename       = "/f"', `  poll_frequency = "${'a'.repeat(50)}"`, '}'])).toEqual([
      mismatch('3:20', 'poll_frequency of local.file "x"', 'a duration', `the string "${'a'.repeat(36)}...`, DURATION_HINT)]);
  });
});

describe('references (internal/util/ast/references.go)', () => {
  const file = (label: string): string[] => [`local.file "${label}" {`, '  filename = "/a"', '}'];
  const unknown = 'names no component of this file and nothing in Alloy\'s standard library';

  test('a misspelt label lists the labels when none is close', () => {
    expect(check([...file('alpha'), ...file('beta'), 'local.file "c" {', '  filename = local.file.zzzzzz.content', '}'])).toEqual([
      '8:14 unknown-reference: local.file.zzzzzz.content references local.file "zzzzzz", which this file does not define; ' +
      'its local.file components are labelled "alpha", "beta", "c"']);
  });

  test('a component the file lacks altogether', () => {
    expect(check(['local.file "c" {', '  filename = remote.http.cfg.content', '}'])).toEqual([
      '2:14 unknown-reference: remote.http.cfg.content references remote.http "cfg", which this file does not define; ' +
      'add the component remote.http "cfg", or fix the reference']);
  });

  test('a misspelt component name or namespace suggests the whole reference', () => {
    expect(check([...file('config'), 'local.file "c" {', '  filename = local.fil.config.content', '}'])).toEqual([
      `5:14 unknown-reference: local.fil.config.content ${unknown}; did you mean local.file.config.content?`]);
    expect(check(['local.file "c" {', '  filename = constant.hostname', '}'])).toEqual([
      `2:14 unknown-reference: constant.hostname ${unknown}; did you mean constants.hostname?`]);
    expect(check(['local.file "c" {', '  filename = qqqqqq.zzzzz', '}'])).toEqual([
      `2:14 unknown-reference: qqqqqq.zzzzz ${unknown}; define the component it refers to, or fix the reference`]);
  });

  test('a misspelt function of the standard library suggests the function', () => {
    expect(check(['local.file "c" {', '  filename = sys.envv("F")', '}'])).toEqual([
      '2:18 unknown-reference: sys.envv is not part of Alloy\'s standard library; did you mean sys.env?']);
  });

  test('a reference continues through parentheses; a call ends it', () => {
    expect(check([...file('a'), 'local.file "b" {', '  filename = (local.file.a).contnet', '}'])).toEqual([
      '5:29 unknown-export: local.file.a has no export contnet (local.file "a" exports content); did you mean "content"?']);
    // .zzz follows a call: it is a field of the value, no reference of its own
    expect(check(['local.file "b" {', '  filename = sys.env("X").zzz', '}'])).toEqual([]);
  });
});

describe('the order of diagnostics', () => {
  test('by line, then by column, whatever the order they are found in', () => {
    // the stability of array.group_by is judged after the file: it still comes first on its line
    expect(check(['local.file "f" {', '  filename = array.group_by([], "k", false) + sys.environ("X")', '}'], { stabilityLevel: 'generally-available' })
      .map((d) => d.split(':').slice(0, 2).join(':'))).toEqual(['2:14 stability', '2:51 unknown-reference']);
  });
});
