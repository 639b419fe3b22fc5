package toolchain

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	suggestpkg "github.com/gotc-project/gotc/internal/suggest"
)

// DefaultPath is the configuration file gotc reads when none is named.
const DefaultPath = "gotc.yaml"

// maxConfigSize bounds what Load reads; a gotc.yaml is a few kilobytes.
const maxConfigSize = 4 << 20

// Pos is a position in the configuration file.
type Pos struct {
	Line, Col int
}

// Problem is one thing wrong with a configuration, at a position.
type Problem struct {
	File    string
	Pos     Pos
	Message string
	// Warning marks a problem that does not make the config unusable.
	Warning bool
}

func (p Problem) Error() string {
	if p.Pos.Line == 0 {
		return fmt.Sprintf("%s: %s", p.File, p.Message)
	}
	return fmt.Sprintf("%s:%d:%d: %s", p.File, p.Pos.Line, p.Pos.Col, p.Message)
}

// Problems is every error found in a configuration. Its Error method
// prints one problem per line.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// Load reads, strictly decodes, defaults and validates the configuration
// at path. The error, if any, is a Problems listing every error found;
// warnings come back separately.
func Load(path string) (*Config, Problems, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("reading config: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxConfigSize+1))
	if err != nil {
		return nil, nil, fmt.Errorf("reading config %s: %w", path, err)
	}
	if len(data) > maxConfigSize {
		return nil, nil, Problems{{File: path, Message: fmt.Sprintf("file is larger than %d bytes", maxConfigSize)}}
	}
	return Parse(path, data)
}

// Parse is Load for a configuration already in memory; name is used in
// messages.
func Parse(name string, data []byte) (*Config, Problems, error) {
	c, err := decode(name, data)
	if err != nil {
		return nil, nil, err
	}
	c.applyDefaults()
	var errs, warns Problems
	for _, p := range c.validate() {
		if p.Warning {
			warns = append(warns, p)
		} else {
			errs = append(errs, p)
		}
	}
	if len(errs) > 0 {
		return nil, warns, errs
	}
	return c, warns, nil
}

// decode parses data into a Config, rejecting unknown keys and wrongly
// typed values with their positions.
func decode(name string, data []byte) (*Config, error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, Problems{{File: name, Message: "empty configuration: a toolchains list is required"}}
		}
		return nil, Problems{yamlSyntaxProblem(name, data, err)}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, Problems{{File: name, Pos: Pos{extra.Line, extra.Column}, Message: "more than one YAML document; gotc.yaml holds exactly one"}}
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	c := &Config{file: name, pos: map[string]Pos{}}
	w := walker{file: name, pos: c.pos}
	w.check(root, reflect.TypeOf(*c), "")
	if len(w.errs) > 0 {
		return nil, w.errs
	}
	if err := root.Decode(c); err != nil {
		// The walker accepts only what Decode accepts; reaching here is a
		// gap in the walker, still reported as one line.
		return nil, Problems{{File: name, Pos: Pos{root.Line, root.Column}, Message: strings.ReplaceAll(err.Error(), "\n", "; ")}}
	}
	return c, nil
}

// yamlSyntaxProblem turns yaml.v3's "yaml: line N: msg" into a Problem.
// A tab where YAML wants indentation gets a message that says so; yaml.v3
// only says it found a character that cannot start a token.
func yamlSyntaxProblem(name string, data []byte, err error) Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 1 // whole-file problems (encoding, control characters) point at the start
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if i := strings.Index(rest, ":"); i > 0 {
			if n, convErr := strconv.Atoi(rest[:i]); convErr == nil {
				line = n
				msg = strings.TrimSpace(rest[i+1:])
			}
		}
	}
	col := 1
	if strings.Contains(msg, "cannot start any token") {
		if text := lineOf(data, line); strings.Contains(text, "\t") {
			col = strings.Index(text, "\t") + 1
			msg = "a tab character: YAML indents with spaces only"
		}
	}
	return Problem{File: name, Pos: Pos{line, col}, Message: "invalid YAML: " + msg}
}

// lineOf returns line n (from 1) of data, "" past the end.
func lineOf(data []byte, n int) string {
	for i, l := range strings.Split(string(data), "\n") {
		if i == n-1 {
			return l
		}
	}
	return ""
}

// walker checks a yaml.Node tree against a Go type, recording the
// position of every field it sees.
type walker struct {
	file string
	pos  map[string]Pos
	errs Problems
}

func (w *walker) fail(n *yaml.Node, format string, args ...any) {
	w.errs = append(w.errs, Problem{File: w.file, Pos: Pos{n.Line, n.Column}, Message: fmt.Sprintf(format, args...)})
}

func (w *walker) check(n *yaml.Node, t reflect.Type, path string) {
	if n.Kind == yaml.AliasNode {
		w.fail(n, "%s: YAML aliases are not supported", displayPath(path))
		return
	}
	w.pos[path] = Pos{n.Line, n.Column}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // an explicit null leaves the default
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			w.fail(n, "%s: want a mapping, got %s", displayPath(path), describe(n))
			return
		}
		fields := yamlFields(t)
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			key := k.Value
			if seen[key] {
				w.fail(k, "%s: duplicate key %q", displayPath(path), key)
				continue
			}
			seen[key] = true
			f, ok := fields[key]
			if !ok {
				w.fail(k, "unknown key %q in %s%s", key, displayPath(path), suggest(key, fields))
				continue
			}
			w.check(v, f, join(path, key))
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			w.fail(n, "%s: want a list, got %s", displayPath(path), describe(n))
			return
		}
		for i, item := range n.Content {
			w.check(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			w.fail(n, "%s: want a mapping, got %s", displayPath(path), describe(n))
			return
		}
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				w.fail(k, "%s: keys must be plain strings", displayPath(path))
				continue
			}
			if seen[k.Value] {
				w.fail(k, "%s: duplicate key %q", displayPath(path), k.Value)
				continue
			}
			seen[k.Value] = true
			w.pos[join(path, k.Value)+"#key"] = Pos{k.Line, k.Column}
			w.check(v, t.Elem(), join(path, k.Value))
		}
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			w.fail(n, "%s: want a string, got %s", displayPath(path), describe(n))
		}
	case reflect.Int:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
			w.fail(n, "%s: want an integer, got %s", displayPath(path), describe(n))
			return
		}
		if _, err := strconv.ParseInt(n.Value, 0, 32); err != nil {
			w.fail(n, "%s: integer %s out of range", displayPath(path), n.Value)
		}
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			w.fail(n, "%s: want true or false, got %s", displayPath(path), describe(n))
		}
	default:
		w.fail(n, "%s: unsupported field type %s", displayPath(path), t)
	}
}

// yamlFields maps a struct's yaml keys to their field types.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		if tag == "" || tag == "-" || !f.IsExported() {
			continue
		}
		m[strings.Split(tag, ",")[0]] = f.Type
	}
	return m
}

// suggest offers the closest known key for a misspelt one.
func suggest(key string, fields map[string]reflect.Type) string {
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	if best := suggestpkg.Closest(key, names); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!str":
			return fmt.Sprintf("string %q", n.Value)
		case "!!int":
			return "integer " + n.Value
		case "!!float":
			return "number " + n.Value
		case "!!bool":
			return "boolean " + n.Value
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "an unsupported YAML node"
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func displayPath(path string) string {
	if path == "" {
		return "top level"
	}
	return path
}

// position returns where the field at path was written, falling back to
// its nearest written parent so defaulted fields still point somewhere
// useful.
func (c *Config) position(path string) Pos {
	for {
		if p, ok := c.pos[path]; ok {
			return p
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			return c.pos[""]
		}
		path = path[:i]
	}
}

// File returns the path the configuration was read from.
func (c *Config) File() string { return c.file }
