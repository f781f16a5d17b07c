# SPDX-License-Identifier: GPL-3.0-or-later
#
# msvc-sources.awk - list what a makefile builds, so that the MSVC makefile
# and the automake build can be compared (tests/test-msvc-sources.sh) and
# so that `make check-msvc-syntax` compiles exactly what Makefile.msvc
# compiles. It evaluates the small make subset both files use: VAR = ...,
# VAR += ..., backslash continuations, $(VAR) (and $(VAR:.a=.b)), and for
# Makefile.am also `include` and `if COND / else / endif`.
#
# Why not ask make? The question is "what does the MinGW-w64 build
# compile", and it must be answerable on Linux, where configure chose
# other conditionals; so the Windows configuration is given here (-v conds_true=
# and -v conds_false=) and Makefile.am's text is evaluated under it.
#
# Usage:
#   awk -f msvc-sources.awk -v mode=automake -v top=SRCDIR \
#       -v conds_true="OS_WINDOWS ..." -v conds_false="OS_LINUX ..." \
#       -v file=SRCDIR/Makefile.am
#   awk -f msvc-sources.awk -v mode=msvc -v file=SRCDIR/win32/Makefile.msvc
# Output, one fact a line, paths with '/':
#   lib FILE.c          compiled into the library
#   prog NAME           a program (tests/test-foo, tools/netipc)
#   run NAME            a program that the test suite runs
#   src NAME FILE.c     compiled into program NAME
#   rule NAME 0|1       (msvc mode) NAME's rule compiles $(NAME_SRCS): 1
#   unknown-conditional COND   (automake mode) a conditional with no value

function trim(s) {
  sub(/^[ \t]+/, "", s)
  sub(/[ \t]+$/, "", s)
  return s
}

# Every entry of the conditional stack must hold for a line to count.
function active(    i) {
  for (i = 1; i <= depth; i++)
    if (!cond_val[i])
      return 0
  return 1
}

function cond_value(name,    neg) {
  neg = 0
  if (substr(name, 1, 1) == "!") {
    neg = 1
    name = substr(name, 2)
  }
  if (name in is_true)
    return !neg
  if (!(name in is_false) && !(name in unknown_seen)) {
    unknown_seen[name] = 1
    unknown_list = unknown_list " " name
  }
  return neg
}

function directive(line,    w, n) {
  n = split(line, w, /[ \t]+/)
  if (w[1] == "if" && n >= 2) {
    cond_val[++depth] = cond_value(w[2])
    return 1
  }
  if (w[1] == "else" && depth > 0) {
    cond_val[depth] = !cond_val[depth]
    return 1
  }
  if (w[1] == "endif" && depth > 0) {
    depth--
    return 1
  }
  if (w[1] == "include" && n >= 2) {
    if (active())
      read_file(top "/" w[2])
    return 1
  }
  return 0
}

function assignment(line,    name, op, value, p) {
  if (!match(line, /^[A-Za-z0-9_.@]+[ \t]*(\+=|=)/))
    return 0
  p = RLENGTH
  name = trim(substr(line, 1, p))
  op = "="
  if (name ~ /\+=$/) {
    op = "+="
    name = trim(substr(name, 1, length(name) - 2))
  } else {
    name = trim(substr(name, 1, length(name) - 1))
  }
  value = trim(substr(line, p + 1))
  if (!active())
    return 1
  if (op == "+=" && (name in vars))
    vars[name] = vars[name] " " value
  else
    vars[name] = value
  return 1
}

# NMake: remember each program rule and whether its dependency line and
# its recipe name the program's _SRCS macro.
function rule_line(line,    target, c) {
  c = index(line, ".exe:")
  if (c == 0 || index(line, "=") > 0)
    return 0
  target = substr(line, 1, c + 3)
  rule_target = target
  rule_deps[target] = substr(line, c + 5)
  return 1
}

function handle(line) {
  if (line ~ /^\t/) {
    if (mode == "msvc" && rule_target != "")
      rule_cmds[rule_target] = rule_cmds[rule_target] " " line
    return                      # a recipe
  }
  if (line ~ /^!/)
    return                      # an NMake directive
  sub(/#.*/, "", line)
  line = trim(line)
  if (line == "")
    return
  rule_target = ""
  if (mode == "automake" && directive(line))
    return
  if (mode == "msvc" && rule_line(line))
    return
  assignment(line)
}

function read_file(file,    line, joined, rc) {
  joined = ""
  while ((rc = (getline line < file)) > 0) {
    sub(/\r$/, "", line)
    if (line ~ /\\$/) {
      joined = joined substr(line, 1, length(line) - 1) " "
      continue
    }
    handle(joined line)
    joined = ""
  }
  if (rc < 0) {
    print "msvc-sources.awk: cannot read " file > "/dev/stderr"
    failed = 1
  }
  if (joined != "")
    handle(joined)
  close(file)
}

# $(NAME) and $(NAME:.from=.to) (make's suffix substitution, per word).
function expand(s, level,    out, start, end, ref, name, from, to, c, val,
                n, w, i) {
  if (level > 20)
    return s
  out = ""
  while ((start = index(s, "$(")) > 0) {
    end = index(substr(s, start), ")")
    if (end == 0)
      break
    ref = substr(s, start + 2, end - 3)
    name = ref
    from = ""
    c = index(ref, ":")
    if (c > 0) {
      name = substr(ref, 1, c - 1)
      from = substr(ref, c + 1)
    }
    val = (name in vars) ? expand(vars[name], level + 1) : ""
    if (c > 0 && index(from, "=") > 0) {
      to = substr(from, index(from, "=") + 1)
      from = substr(from, 1, index(from, "=") - 1)
      n = split(val, w, /[ \t]+/)
      val = ""
      for (i = 1; i <= n; i++) {
        if (from != "" && substr(w[i], length(w[i]) - length(from) + 1) == from)
          w[i] = substr(w[i], 1, length(w[i]) - length(from)) to
        val = val " " w[i]
      }
    }
    out = out substr(s, 1, start - 1) val
    s = substr(s, start + end)
  }
  return out s
}

function words(varname, arr,    s) {
  s = expand("$(" varname ")", 0)
  gsub(/\\/, "/", s)
  s = trim(s)
  if (s == "")
    return 0
  return split(s, arr, /[ \t]+/)
}

# tests/test-foo.exe or win32/out/tests/test-foo.exe -> tests/test-foo
function prog_name(p,    prefix) {
  prefix = expand("$(" strip_var ")", 0)
  gsub(/\\/, "/", prefix)
  if (prefix != "" && substr(p, 1, length(prefix) + 1) == prefix "/")
    p = substr(p, length(prefix) + 2)
  sub(/\.exe$/, "", p)
  return p
}

function canonical(p) {
  gsub(/[^A-Za-z0-9_@]/, "_", p)
  return p
}

# rule NAME OK: (msvc) NAME has a rule whose dependencies and recipe
# both use $(canonical_SRCS).
function emit_rule(raw, name,    ref, t, okay, target) {
  ref = "$(" canonical(name) src_suffix ")"
  okay = 0
  for (t in rule_deps) {
    target = expand(t, 0)
    gsub(/\\/, "/", target)
    if (target == raw)
      okay = index(rule_deps[t], ref) > 0 && index(rule_cmds[t], ref) > 0
  }
  print "rule " name " " okay
}

function emit_sources(name,    var, n, w, i) {
  var = canonical(name) src_suffix
  if (!(var in vars)) {
    if (mode == "automake")
      print "src " name " " name ".c"  # automake's default: NAME.c
    return
  }
  n = words(var, w)
  for (i = 1; i <= n; i++)
    if (w[i] ~ /\.c$/)
      print "src " name " " w[i]
}

BEGIN {
  split(conds_true, t, /[ \t\n]+/)
  for (k in t) if (t[k] != "") is_true[t[k]] = 1
  split(conds_false, f, /[ \t\n]+/)
  for (k in f) if (f[k] != "") is_false[f[k]] = 1
  if (mode == "automake") {
    lib_var = "lib_libnetipc_internal_la_SOURCES"
    prog_vars = "check_PROGRAMS bin_PROGRAMS"
    run_var = "TESTS"
    src_suffix = "_SOURCES"
    strip_var = ""
  } else if (mode == "msvc") {
    lib_var = "NETIPC_LIB_SRCS"
    prog_vars = "NETIPC_CHECK_PROGRAMS NETIPC_BIN_PROGRAMS"
    run_var = "NETIPC_TESTS"
    src_suffix = "_SRCS"
    strip_var = "OUTDIR"
  } else {
    print "msvc-sources.awk: -v mode=automake or -v mode=msvc" > "/dev/stderr"
    exit 2
  }
  vars["EXEEXT"] = ""
  read_file(file)
  if (failed)
    exit 1
  n = words(lib_var, w)
  for (i = 1; i <= n; i++)
    if (w[i] ~ /\.c$/)
      print "lib " w[i]
  np = split(prog_vars, pv, / /)
  for (j = 1; j <= np; j++) {
    n = words(pv[j], w)
    for (i = 1; i <= n; i++) {
      name = prog_name(w[i])
      if (name in seen)
        continue
      seen[name] = 1
      print "prog " name
      emit_sources(name)
      if (mode == "msvc")
        emit_rule(w[i], name)
    }
  }
  n = words(run_var, w)
  for (i = 1; i <= n; i++)
    if (w[i] !~ /\.sh$/)
      print "run " prog_name(w[i])
  nu = split(trim(unknown_list), u, / /)
  for (i = 1; i <= nu; i++)
    print "unknown-conditional " u[i]
}
