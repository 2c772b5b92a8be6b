package httpapi

import "reflect"

// Shape names the Go types of one operation's request and answer.
type Shape struct {
	In, Out reflect.Type
}

// Shapes lists every served operation's request and answer types, so that
// a test can hold them to Cognito's published model.
func Shapes() map[string]Shape {
	out := map[string]Shape{}
	for name, o := range operations(nil) {
		out[name] = Shape{In: o.in, Out: o.out}
	}
	return out
}
