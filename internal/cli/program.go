package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/gotc-project/gotc/internal/sde"
	"github.com/gotc-project/gotc/internal/suggest"
)

// A Program is one of gotc's commands (gotc-spec, gotc-rpm): its name,
// its help text and its verbs. Every verb is declared once, in Verbs;
// the command list, the help, the man page and the shell completions
// are all derived from it. help and version are added to every program.
type Program struct {
	// Name is the command's name, "gotc-rpm".
	Name string
	// Doc is the source of the command's doc.go, whose package comment
	// is the help text: an introduction, one section per verb starting
	// with the verb's synopsis line ("gotc-rpm build [-c FILE] ..."),
	// and an "Exit status:" section.
	Doc string
	// Verbs are the program's own verbs, in the order the help lists them.
	Verbs []Verb
}

// A Verb is one command of a program.
type Verb struct {
	// Name is what the user types: "build".
	Name string
	// Summary is the verb's line in the command list.
	Summary string
	// Args is how many positional arguments the verb takes.
	Args Args
	// New returns a fresh options value, which registers the verb's
	// flags and runs it.
	New func() Options
}

// Options are one verb's flags and what it does with them.
type Options interface {
	// AddFlags registers the verb's flags on fs.
	AddFlags(fs *pflag.FlagSet)
	// Run does the verb's work on the positional arguments.
	Run(env *Env, args []string) error
}

// A Validator checks flag values before anything is read or written.
// Options that implement it are validated after parsing, before Run.
type Validator interface {
	Validate() error
}

// Args is the number of positional arguments a verb accepts.
type Args struct {
	// Min and Max bound the count; Max < 0 means no upper bound.
	Min, Max int
	// Name says what one argument is ("RPM file"), for messages.
	Name string
}

// NoArgs is the Args of a verb that takes flags only.
var NoArgs = Args{}

// AtLeast accepts n or more arguments, each a name.
func AtLeast(n int, name string) Args { return Args{Min: n, Max: -1, Name: name} }

// Exactly accepts n arguments, each a name.
func Exactly(n int, name string) Args { return Args{Min: n, Max: n, Name: name} }

// Check reports a wrong number of arguments as a usage error.
func (a Args) Check(args []string) error {
	n := len(args)
	switch {
	case a.Max == 0 && n > 0:
		return Usage("unexpected argument %q", args[0])
	case a.Min == a.Max && n != a.Min:
		return Usage("want %d %s, got %d", a.Min, plural(a.Min, a.Name), n)
	case n < a.Min && n == 0:
		return Usage("no %s given", plural(2, a.Name))
	case n < a.Min:
		return Usage("want at least %d %s, got %d", a.Min, plural(a.Min, a.Name), n)
	case a.Max > 0 && n > a.Max:
		return Usage("want at most %d %s, got %d", a.Max, plural(a.Max, a.Name), n)
	}
	return nil
}

func plural(n int, name string) string {
	if n == 1 {
		return name
	}
	return name + "s"
}

// Env is what a verb runs with: its output streams and the environment.
type Env struct {
	Stdout, Stderr io.Writer
	// Getenv reads an environment variable (os.Getenv when run as a
	// command; tests give their own).
	Getenv func(key string) string
}

// OSEnv is the process's own streams and environment.
func OSEnv() *Env {
	return &Env{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
}

// SourceDateEpoch reads SOURCE_DATE_EPOCH: nil when unset, a usage
// error when malformed.
func (e *Env) SourceDateEpoch() (*time.Time, error) {
	t, err := sde.Parse(e.Getenv("SOURCE_DATE_EPOCH"))
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: err}
	}
	return t, nil
}

// Main runs the program with the process's arguments and environment and
// exits with the code its error maps to, after printing the error as one
// line "name: message".
func (p *Program) Main() {
	os.Exit(Report(os.Stderr, p.Name, p.Run(os.Args[1:], OSEnv())))
}

// Run runs the verb args[0] names with the rest of args. Errors from a
// verb are prefixed with its name and keep their exit code.
func (p *Program) Run(args []string, env *Env) error {
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, p.Usage())
		return Usage("no command given")
	}
	name, rest := args[0], args[1:]
	switch name {
	case "-h", "--help":
		name = "help"
	case "--version":
		name = "version"
	}
	v, ok := p.Verb(name)
	if !ok {
		return Usage("unknown command %q%s (commands: %s)", name, didYouMean(name, p.verbNames()), strings.Join(p.verbNames(), ", "))
	}
	if err := p.runVerb(v, rest, env); err != nil && !errors.Is(err, ErrHelp) {
		return &ExitError{Code: Code(err), Err: fmt.Errorf("%s: %w", v.Name, err)}
	} else if err != nil {
		return err
	}
	return nil
}

// runVerb parses a verb's flags, checks its arguments and runs it.
func (p *Program) runVerb(v Verb, args []string, env *Env) error {
	fs, opts := p.FlagSet(v)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			fmt.Fprint(env.Stdout, p.Help(v.Name))
			return ErrHelp
		}
		return Usage("%s", flagError(err, fs))
	}
	if err := v.Args.Check(fs.Args()); err != nil {
		return err
	}
	if val, ok := opts.(Validator); ok {
		if err := val.Validate(); err != nil {
			return asUsage(err)
		}
	}
	return opts.Run(env, fs.Args())
}

// FlagSet returns a fresh options value for v and the flag set it
// registered its flags on. The flag set reports errors instead of
// printing them or exiting.
func (p *Program) FlagSet(v Verb) (*pflag.FlagSet, Options) {
	fs := pflag.NewFlagSet(p.Name+" "+v.Name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SortFlags = false
	opts := v.New()
	opts.AddFlags(fs)
	return fs, opts
}

// Verb looks a verb up by name, help and version included.
func (p *Program) Verb(name string) (Verb, bool) {
	for _, v := range p.AllVerbs() {
		if v.Name == name {
			return v, true
		}
	}
	return Verb{}, false
}

// AllVerbs is the program's verbs followed by help and version.
func (p *Program) AllVerbs() []Verb {
	return append(append([]Verb(nil), p.Verbs...), p.helpVerb(), p.versionVerb())
}

func (p *Program) verbNames() []string {
	var names []string
	for _, v := range p.AllVerbs() {
		names = append(names, v.Name)
	}
	return names
}

// flagError rewords pflag's parse errors: an unknown flag gets the
// closest known one as a hint.
func flagError(err error, fs *pflag.FlagSet) string {
	msg := err.Error()
	name, ok := strings.CutPrefix(msg, "unknown flag: --")
	if !ok {
		return msg
	}
	var names []string
	fs.VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
	if best := suggest.Closest(name, names); best != "" {
		return fmt.Sprintf("%s (did you mean --%s?)", msg, best)
	}
	return msg
}

func didYouMean(word string, candidates []string) string {
	if best := suggest.Closest(word, candidates); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}

// asUsage marks err as a usage error unless it already carries a code.
func asUsage(err error) error {
	var ee *ExitError
	if errors.As(err, &ee) {
		return err
	}
	return &ExitError{Code: ExitUsage, Err: err}
}

// helpVerb is "help [COMMAND]".
func (p *Program) helpVerb() Verb {
	return Verb{
		Name:    "help",
		Summary: "print this help, or a command's",
		Args:    Args{Max: 1, Name: "command"},
		New:     func() Options { return &helpOptions{p: p} },
	}
}

type helpOptions struct{ p *Program }

func (*helpOptions) AddFlags(*pflag.FlagSet) {}

func (o *helpOptions) Run(env *Env, args []string) error {
	if len(args) == 0 {
		_, err := fmt.Fprint(env.Stdout, o.p.Usage())
		return err
	}
	if _, ok := o.p.Verb(args[0]); !ok {
		return Usage("unknown command %q%s", args[0], didYouMean(args[0], o.p.verbNames()))
	}
	_, err := fmt.Fprint(env.Stdout, o.p.Help(args[0]))
	return err
}

// versionVerb is "version".
func (p *Program) versionVerb() Verb {
	return Verb{
		Name:    "version",
		Summary: "print " + p.Name + "'s version",
		New:     func() Options { return &versionOptions{name: p.Name} },
	}
}

type versionOptions struct{ name string }

func (*versionOptions) AddFlags(*pflag.FlagSet) {}

func (o *versionOptions) Run(env *Env, _ []string) error {
	_, err := fmt.Fprintf(env.Stdout, "%s %s\n", o.name, version())
	return err
}

// version is the stamped Version, or for a binary "go install" built
// without stamping, the module version the go command recorded.
func version() string {
	if Version != "dev" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return Version
}
