package jsonout

import (
	"bytes"
	"testing"
)

func TestWrite(t *testing.T) {
	var b bytes.Buffer
	v := struct {
		Path string   `json:"path"`
		List []string `json:"list"`
	}{"/usr/share/doc/a&b/<x>", []string{"1"}}
	if err := Write(&b, v); err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"path\": \"/usr/share/doc/a&b/<x>\",\n  \"list\": [\n    \"1\"\n  ]\n}\n"
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

type marshaler struct{ Path string }

func (m marshaler) MarshalJSON() ([]byte, error) {
	return Marshal(struct {
		P string `json:"p"`
	}{m.Path})
}

// TestMarshalInsideWrite: a MarshalJSON built on Marshal keeps & < > as
// they are through Write.
func TestMarshalInsideWrite(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, []marshaler{{"a&b<c>"}}); err != nil {
		t.Fatal(err)
	}
	if want := "[\n  {\n    \"p\": \"a&b<c>\"\n  }\n]\n"; b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}
