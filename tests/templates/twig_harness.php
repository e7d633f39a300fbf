<?php
// Differential-test harness: renders JSON lines {"template": ..., "context": {...}} from stdin with PHP Twig 3
// (the Debian php-twig package) and prints one JSON line per case: {"output": ...} or {"error": ...}.
// Optional keys: "syntax": "package" (Cerb's package-import lexer), "now": a Unix timestamp (the pinned clock).
// Cerb's extra filters/functions/tests are ported here the way Cerb 10.4 defines them (what the tests need).
require_once '/usr/share/php/Twig/autoload.php';

date_default_timezone_set('UTC');
error_reporting(E_ALL & ~E_WARNING & ~E_NOTICE & ~E_DEPRECATED & ~E_USER_DEPRECATED);
set_error_handler(function () { return true; }, E_WARNING | E_NOTICE | E_DEPRECATED | E_USER_DEPRECATED);

function cerb_dict_set($var, $path, $val) {
    if (empty($var)) $var = [];
    if (!is_array($var)) return $var;
    $keys = explode('.', $path);
    $ptr = &$var;
    foreach ($keys as $k) {
        $k = str_replace('{DOT}', '.', $k);
        if ($k === '[]') { $ptr[] = []; end($ptr); $k = key($ptr); }
        if (!is_array($ptr)) $ptr = [];
        if (!isset($ptr[$k])) $ptr[$k] = [];
        $ptr = &$ptr[$k];
    }
    $ptr = $val;
    return $var;
}

// A case may pin the clock ("now": a Unix timestamp): a relative or null date is then resolved against it, the
// way Twig's own date converter resolves it against time(). Numbers and date objects pass through unchanged.
$NOW = null;
function pinned_date($date) {
    global $NOW;
    if ($NOW === null || $date instanceof \DateTimeInterface || $date instanceof \DateInterval) return $date;
    $text = $date === null ? 'now' : (string) $date;
    if (ctype_digit($text) || ($text !== '' && $text[0] === '-' && ctype_digit(substr($text, 1)))) return $date;
    $d = (new \DateTime('@' . $NOW))->setTimezone(new \DateTimeZone(date_default_timezone_get()));
    if (@$d->modify($text) === false) throw new \Exception("Failed to parse time string ($text)");
    return $d;
}

function cerb_twig($lexer_options) {
    $twig = new \Twig\Environment(new \Twig\Loader\ArrayLoader([]),
        ['autoescape' => false, 'strict_variables' => false, 'cache' => false]);
    cerb_extensions($twig);  // before the lexer: building it initializes the extensions
    if ($lexer_options) $twig->setLexer(new \Twig\Lexer($twig, $lexer_options));
    return $twig;
}

function cerb_extensions($twig) {
$f = function ($name, $fn, $opts = []) use ($twig) { $twig->addFilter(new \Twig\TwigFilter($name, $fn, $opts)); };
$fn = function ($name, $c, $opts = []) use ($twig) { $twig->addFunction(new \Twig\TwigFunction($name, $c, $opts)); };
$env = ['needs_environment' => true];
$f('date', function ($e, $d, $format = null, $tz = null) { return twig_date_format_filter($e, pinned_date($d), $format, $tz); }, $env);
$f('date_modify', function ($e, $d, $m) { return twig_date_modify_filter($e, pinned_date($d), $m); }, $env);
$fn('date', function ($e, $d = null, $tz = null) { return twig_date_converter($e, pinned_date($d), $tz); }, $env);

$f('json_pretty', function ($s) {
    if (!is_string($s)) return '';
    return json_encode(json_decode($s), JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES);
});
$f('base64_encode', function ($s) { return is_string($s) ? base64_encode($s) : ''; });
$f('base64_decode', function ($s) { return is_string($s) ? base64_decode($s) : ''; });
$f('base64url_encode', function ($s) { return is_string($s) ? rtrim(strtr(base64_encode($s), '+/', '-_'), '=') : ''; });
$f('base64url_decode', function ($s) { return is_string($s) ? base64_decode(strtr($s, '-_', '+/')) : ''; });
$f('md5', function ($s) { return (is_string($s) || is_numeric($s)) ? md5($s) : ''; });
$f('sha1', function ($s) { return (is_string($s) || is_numeric($s)) ? sha1($s) : ''; });
$f('alphanum', function ($s, $also = '', $rep = '') { return preg_replace('/[^a-zA-Z0-9' . preg_quote($also, '/') . ']/', $rep, (string) $s); });
$f('regexp', function ($s, $pattern, $group = 0) {
    $m = []; @preg_match($pattern, (string) $s, $m); return $m[$group] ?? '';
});
$f('split_crlf', function ($s) { return array_values(array_filter(array_map('trim', preg_split('/\r\n|\r|\n/', (string) $s)), 'strlen')); });
$f('split_csv', function ($s) { return array_values(array_filter(array_map('trim', explode(',', (string) $s)), 'strlen')); });
$f('truncate', function ($s, $len = 30, $preserve = false, $sep = '...') {
    $s = (string) $s;
    if (mb_strlen($s) > $len) {
        if ($preserve) { $bp = mb_strpos($s, ' ', $len); if ($bp === false) return $s; $len = $bp; }
        return rtrim(mb_substr($s, 0, $len)) . $sep;
    }
    return $s;
});
$f('unescape', function ($s) { return html_entity_decode((string) $s, ENT_QUOTES | ENT_HTML5); });
$f('url_decode', function ($s) { return rawurldecode((string) $s); });
$f('hash_hmac', function ($s, $key = '', $algo = 'sha256', $raw = false) { return $s === '' ? '' : hash_hmac($algo, (string) $s, $key, (bool) $raw); });
$f('cerb_translate', function ($s) { return $s; });
$fn('dict_set', 'cerb_dict_set');
$fn('json_decode', function ($s) { return json_decode((string) $s, true); });
$fn('array_combine', function ($a, $b) { return (is_array($a) && is_array($b)) ? array_combine($a, $b) : null; });
$fn('array_diff', function ($a, $b) { return (is_array($a) && is_array($b)) ? array_diff($a, $b) : null; });
$fn('array_intersect', function ($a, $b) { return (is_array($a) && is_array($b)) ? array_intersect($a, $b) : null; });
$fn('array_unique', function ($a) { return is_array($a) ? array_unique($a) : null; });
$fn('array_values', function ($a) { return is_array($a) ? array_values($a) : null; });
$fn('array_sort_keys', function ($a) { if (!is_array($a)) return null; ksort($a); return $a; });
$fn('validate_email', function ($s) { return is_string($s) && false !== filter_var($s, FILTER_VALIDATE_EMAIL); });
$fn('validate_number', function ($s) { return is_numeric($s); });
$fn('regexp_match_all', function ($p, $s, $g = 0) { $m = []; @preg_match_all($p, (string) $s, $m, PREG_PATTERN_ORDER); if ($g) return $m[$g] ?? []; return $m; });
$twig->addTest(new \Twig\TwigTest('numeric', function ($v) { return is_numeric($v); }));
}

$twig = cerb_twig(null);
// Cerb's package-import lexer (cerb-semantics §1.3): only {{{ }}}, {{% %}}, {{# #}} and #{{ }} are syntax.
$package_twig = cerb_twig(['tag_variable' => ['{{{', '}}}'], 'tag_block' => ['{{%', '%}}'],
                           'tag_comment' => ['{{#', '#}}'], 'interpolation' => ['#{{', '}}']]);

while (($line = fgets(STDIN)) !== false) {
    $case = json_decode($line, true);
    if (!is_array($case)) { echo json_encode(['error' => 'bad input']), "\n"; continue; }
    $NOW = $case['now'] ?? null;
    try {
        $env = ($case['syntax'] ?? 'twig') === 'package' ? $package_twig : $twig;
        $template = $env->createTemplate($case['template']);
        $out = $template->render($case['context'] ?: []);
        $json = json_encode(['output' => $out], JSON_INVALID_UTF8_SUBSTITUTE);
        echo $json, "\n";
    } catch (\Throwable $e) {
        echo json_encode(['error' => get_class($e) . ': ' . $e->getMessage()], JSON_INVALID_UTF8_SUBSTITUTE), "\n";
    }
}
