package sdk_test

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// cognitoModel is the part of botocore's cognito-idp service model (the
// API's published definition, shipped with the AWS CLI and boto3) that the
// conformance tests read.
type cognitoModel struct {
	Operations map[string]struct {
		Input, Output *struct{ Shape string }
	}
	Shapes map[string]*modelShape
}

// modelShape is one shape of the model.
type modelShape struct {
	Type     string
	Members  map[string]struct{ Shape string }
	Required []string
	Member   *struct{ Shape string } // lists
	Value    *struct{ Shape string } // maps
	Enum     []string
	Min, Max *float64
}

var (
	modelOnce sync.Once
	model     *cognitoModel
	modelErr  string
	// modelVersion is the botocore version the model came from.
	modelVersion string
)

// loadModel finds the model through the installed botocore (never a copy in
// the repository). Without it the test skips, except under CI=true, where
// the suite installs the AWS CLI and a missing model is a failure.
func loadModel(t *testing.T) *cognitoModel {
	t.Helper()
	modelOnce.Do(func() {
		// COGNATE_MODEL_PYTHON picks another interpreter (and so another
		// botocore), to check the tests against an older or newer model.
		python := os.Getenv("COGNATE_MODEL_PYTHON")
		if python == "" {
			python = "python3"
		}
		out, err := exec.Command(python, "-c", "import botocore,os;print(botocore.__version__, os.path.dirname(botocore.__file__))").Output()
		if err != nil {
			modelErr = "botocore is not installed for " + python + ": " + err.Error()
			return
		}
		version, dir, _ := strings.Cut(strings.TrimSpace(string(out)), " ")
		modelVersion = version
		path := filepath.Join(dir, "data", "cognito-idp", "2016-04-18", "service-2.json")
		var f *os.File
		if f, err = os.Open(path + ".gz"); err == nil {
			defer f.Close()
			var z *gzip.Reader
			if z, err = gzip.NewReader(f); err == nil {
				err = json.NewDecoder(z).Decode(&model)
			}
		} else if f, err = os.Open(path); err == nil {
			defer f.Close()
			err = json.NewDecoder(f).Decode(&model)
		}
		if err != nil {
			model, modelErr = nil, "reading the cognito-idp model: "+err.Error()
			return
		}
		// Cognate follows the current model; an older botocore (Debian's
		// python3-botocore 1.29 is from 2023) lacks members and operations
		// Cognate serves, and would report them all as drift.
		if _, ok := model.Operations["GetTokensFromRefreshToken"]; !ok {
			model, modelErr = nil, fmt.Sprintf("botocore %s (%s) carries a cognito-idp model older than the one Cognate follows "+
				"(it has no GetTokensFromRefreshToken, added in 2025): install a newer botocore or AWS CLI, "+
				"or point COGNATE_MODEL_PYTHON at a Python that has one", version, python)
		}
	})
	if model == nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(modelErr)
		}
		t.Skip(modelErr)
	}
	return model
}

// jsonName is the wire name of a shape's Go field ("" for none).
func jsonName(f reflect.StructField) string {
	if !f.IsExported() || f.Anonymous {
		return ""
	}
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "-" {
		return ""
	}
	if name == "" {
		name = f.Name
	}
	return name
}

// wireFields lists a struct's members as they travel, embedded structs
// flattened, by wire name.
func wireFields(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for _, f := range reflect.VisibleFields(t) {
		if n := jsonName(f); n != "" {
			out[n] = f
		}
	}
	return out
}
