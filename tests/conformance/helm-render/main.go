// helm-render: renders a Helm chart the way `helm template` does, with the engines Helm uses
// (Go text/template, sprig v3, sigs.k8s.io/yaml, gojsonschema for values.schema.json), so that
// a chart can be checked on a machine that has no helm binary. Test-only tooling.
//
//	helm-render CHART_DIR [-f values.yaml]... [--release NAME] [--namespace NS] [-a API_VERSION]...
//
// Differences from helm, on purpose: templates run with missingkey=error (what
// `helm lint --strict` uses), so a lookup of an absent key (.Values.x, .Release.X, ...) fails;
// documents are printed in sorted template path order (helm sorts by kind); subcharts,
// --set and toToml are not supported (the chart is rejected when it has dependencies).
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/semver/v3"
	"github.com/Masterminds/sprig/v3"
	"github.com/xeipuuv/gojsonschema"
	"sigs.k8s.io/yaml"
)

const kubeVersion = "v1.32.2"

// Maximum nesting of include/tpl, as in helm.
const recursionMaxNums = 1000

// Metadata is helm's chart.Metadata: .Chart.Name, .Chart.Version, .Chart.AppVersion, ...
type Metadata struct {
	Name         string            `json:"name,omitempty"`
	Home         string            `json:"home,omitempty"`
	Sources      []string          `json:"sources,omitempty"`
	Version      string            `json:"version,omitempty"`
	Description  string            `json:"description,omitempty"`
	Keywords     []string          `json:"keywords,omitempty"`
	Maintainers  []*Maintainer     `json:"maintainers,omitempty"`
	Icon         string            `json:"icon,omitempty"`
	APIVersion   string            `json:"apiVersion,omitempty"`
	Condition    string            `json:"condition,omitempty"`
	Tags         string            `json:"tags,omitempty"`
	AppVersion   string            `json:"appVersion,omitempty"`
	Deprecated   bool              `json:"deprecated,omitempty"`
	Annotations  map[string]string `json:"annotations,omitempty"`
	KubeVersion  string            `json:"kubeVersion,omitempty"`
	Dependencies []interface{}     `json:"dependencies,omitempty"`
	Type         string            `json:"type,omitempty"`
}

type Maintainer struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	URL   string `json:"url,omitempty"`
}

// KubeVersion is helm's chartutil.KubeVersion.
type KubeVersion struct {
	Version string
	Major   string
	Minor   string
}

func (kv *KubeVersion) String() string     { return kv.Version }
func (kv *KubeVersion) GitVersion() string { return kv.Version }

// VersionSet is helm's chartutil.VersionSet (.Capabilities.APIVersions.Has "apps/v1").
type VersionSet []string

func (v VersionSet) Has(apiVersion string) bool {
	for _, x := range v {
		if x == apiVersion {
			return true
		}
	}
	return false
}

type HelmVersion struct {
	Version      string
	GitCommit    string
	GitTreeState string
	GoVersion    string
}

type Capabilities struct {
	KubeVersion KubeVersion
	APIVersions VersionSet
	HelmVersion HelmVersion
}

// Built-in group/versions of Kubernetes 1.32 (what helm's default capabilities list).
var builtinAPIVersions = []string{
	"v1", "admissionregistration.k8s.io/v1", "apiextensions.k8s.io/v1",
	"apiregistration.k8s.io/v1", "apps/v1", "authentication.k8s.io/v1",
	"authorization.k8s.io/v1", "autoscaling/v1", "autoscaling/v2", "batch/v1",
	"certificates.k8s.io/v1", "coordination.k8s.io/v1", "discovery.k8s.io/v1",
	"events.k8s.io/v1", "flowcontrol.apiserver.k8s.io/v1", "networking.k8s.io/v1",
	"node.k8s.io/v1", "policy/v1", "rbac.authorization.k8s.io/v1", "scheduling.k8s.io/v1",
	"storage.k8s.io/v1",
}

// Files is helm's chart Files (.Files.Get, .Files.Glob, .Files.Lines, .AsConfig, .AsSecrets).
type Files map[string][]byte

func (f Files) GetBytes(name string) []byte { return f[name] }
func (f Files) Get(name string) string      { return string(f[name]) }

func (f Files) Glob(pattern string) Files {
	out := Files{}
	for name, data := range f {
		if globMatch(pattern, name) {
			out[name] = data
		}
	}
	return out
}

func (f Files) Lines(name string) []string {
	s := string(f[name])
	if s == "" {
		return []string{}
	}
	return strings.Split(s, "\n")
}

func (f Files) AsConfig() string {
	if len(f) == 0 {
		return ""
	}
	m := map[string]string{}
	for name, data := range f {
		m[path.Base(name)] = string(data)
	}
	return toYAML(m)
}

func (f Files) AsSecrets() string {
	if len(f) == 0 {
		return ""
	}
	m := map[string]string{}
	for name, data := range f {
		m[path.Base(name)] = base64.StdEncoding.EncodeToString(data)
	}
	return toYAML(m)
}

// globMatch: path.Match per segment, with "**" matching any number of segments.
func globMatch(pattern, name string) bool {
	return matchSegs(strings.Split(pattern, "/"), strings.Split(name, "/"))
}

func matchSegs(p, n []string) bool {
	if len(p) == 0 {
		return len(n) == 0
	}
	if p[0] == "**" {
		for i := 0; i <= len(n); i++ {
			if matchSegs(p[1:], n[i:]) {
				return true
			}
		}
		return false
	}
	if len(n) == 0 {
		return false
	}
	ok, err := path.Match(p[0], n[0])
	return err == nil && ok && matchSegs(p[1:], n[1:])
}

// ---- helm's template functions -------------------------------------------------------------

func toYAML(v interface{}) string {
	data, err := yaml.Marshal(v)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(data), "\n")
}

func fromYAML(str string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := yaml.Unmarshal([]byte(str), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func fromYAMLArray(str string) []interface{} {
	a := []interface{}{}
	if err := yaml.Unmarshal([]byte(str), &a); err != nil {
		a = []interface{}{err.Error()}
	}
	return a
}

func toJSON(v interface{}) string {
	data, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(data)
}

func fromJSON(str string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := json.Unmarshal([]byte(str), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func fromJSONArray(str string) []interface{} {
	a := []interface{}{}
	if err := json.Unmarshal([]byte(str), &a); err != nil {
		a = []interface{}{err.Error()}
	}
	return a
}

func required(warn string, val interface{}) (interface{}, error) {
	if val == nil {
		return val, errors.New(warn)
	}
	if s, ok := val.(string); ok && s == "" {
		return val, errors.New(warn)
	}
	return val, nil
}

// funcMap: sprig minus env/expandenv, plus helm's functions bound to template set t.
func funcMap(t *template.Template, included map[string]int) template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")
	extra := template.FuncMap{
		"toYaml":        toYAML,
		"fromYaml":      fromYAML,
		"fromYamlArray": fromYAMLArray,
		"toJson":        toJSON,
		"fromJson":      fromJSON,
		"fromJsonArray": fromJSONArray,
		"required":      required,
		"fail":          func(msg string) (string, error) { return "", errors.New(msg) },
		"lookup": func(string, string, string, string) (map[string]interface{}, error) {
			return map[string]interface{}{}, nil
		},
		"include": includeFun(t, included),
		"tpl":     tplFun(t, included),
	}
	for k, v := range extra {
		f[k] = v
	}
	return f
}

func includeFun(t *template.Template, included map[string]int) func(string, interface{}) (string, error) {
	return func(name string, data interface{}) (string, error) {
		var buf strings.Builder
		if v, ok := included[name]; ok {
			if v > recursionMaxNums {
				return "", fmt.Errorf("rendering template has a nested reference name: %s: unable to execute template", name)
			}
			included[name]++
		} else {
			included[name] = 1
		}
		err := t.ExecuteTemplate(&buf, name, data)
		included[name]--
		return buf.String(), err
	}
}

func tplFun(parent *template.Template, included map[string]int) func(string, interface{}) (string, error) {
	return func(text string, vals interface{}) (string, error) {
		t, err := parent.Clone()
		if err != nil {
			return "", fmt.Errorf("cannot clone template: %w", err)
		}
		t.Option("missingkey=error")
		t.Funcs(template.FuncMap{
			"include": includeFun(t, included),
			"tpl":     tplFun(t, included),
		})
		name := "tpl"
		if m, ok := vals.(map[string]interface{}); ok {
			if tm, ok := m["Template"].(map[string]interface{}); ok {
				if n, ok := tm["Name"].(string); ok && n != "" {
					name = n
				}
			}
		}
		t, err = t.New(name).Parse(text)
		if err != nil {
			return "", fmt.Errorf("cannot parse template %q: %w", text, err)
		}
		var buf strings.Builder
		if err := t.Execute(&buf, vals); err != nil {
			return "", fmt.Errorf("error during tpl function execution for %q: %w", text, err)
		}
		return buf.String(), nil
	}
}

// ---- values --------------------------------------------------------------------------------

func readValuesFile(file string) (map[string]interface{}, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	m := map[string]interface{}{}
	if err := yaml.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("failed to parse %s: %w", file, err)
	}
	if m == nil {
		m = map[string]interface{}{}
	}
	return m, nil
}

// mergeMaps: helm's values-file merge (later wins, maps merge deeply, nulls are kept).
func mergeMaps(a, b map[string]interface{}) map[string]interface{} {
	out := make(map[string]interface{}, len(a))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if vm, ok := v.(map[string]interface{}); ok {
			if om, ok := out[k].(map[string]interface{}); ok {
				out[k] = mergeMaps(om, vm)
				continue
			}
		}
		out[k] = v
	}
	return out
}

// coalesce: user values over the chart's defaults; a user null deletes the default (as helm).
func coalesce(user, defaults map[string]interface{}) map[string]interface{} {
	out := make(map[string]interface{}, len(user))
	for k, v := range user {
		out[k] = v
	}
	for k, dv := range defaults {
		uv, ok := out[k]
		if !ok {
			out[k] = dv
			continue
		}
		if uv == nil {
			delete(out, k)
			continue
		}
		um, uok := uv.(map[string]interface{})
		dm, dok := dv.(map[string]interface{})
		if uok && dok {
			out[k] = coalesce(um, dm)
		} else if uok != dok && dv != nil {
			fmt.Fprintf(os.Stderr, "helm-render: warning: overriding %s: user value and default differ in kind (table vs non-table)\n", k)
		}
	}
	return out
}

func validateSchema(chartName string, schemaJSON []byte, values map[string]interface{}) error {
	valuesJSON, err := json.Marshal(values)
	if err != nil {
		return err
	}
	if bytes.Equal(valuesJSON, []byte("null")) {
		valuesJSON = []byte("{}")
	}
	result, err := gojsonschema.Validate(gojsonschema.NewBytesLoader(schemaJSON), gojsonschema.NewBytesLoader(valuesJSON))
	if err != nil {
		return fmt.Errorf("%s: values.schema.json: %w", chartName, err)
	}
	if result.Valid() {
		return nil
	}
	var sb strings.Builder
	for _, desc := range result.Errors() {
		sb.WriteString(fmt.Sprintf("- %s\n", desc))
	}
	return fmt.Errorf("values don't meet the specifications of the schema(s) in the following chart(s):\n%s:\n%s", chartName, sb.String())
}

// ---- rendering -----------------------------------------------------------------------------

var sep = regexp.MustCompile("(?:^|\\s*\n)---\\s*")

// splitManifests is helm's releaseutil.SplitManifests: documents, trimmed, empty ones dropped.
func splitManifests(big string) []string {
	var out []string
	for _, d := range sep.Split(strings.TrimSpace(big), -1) {
		if d = strings.TrimSpace(d); d != "" {
			out = append(out, d)
		}
	}
	return out
}

// simpleHead is what helm parses from each rendered document (releaseutil.SimpleHead).
type simpleHead struct {
	Version  string `json:"apiVersion"`
	Kind     string `json:"kind,omitempty"`
	Metadata *struct {
		Name        string            `json:"name"`
		Annotations map[string]string `json:"annotations"`
	} `json:"metadata,omitempty"`
}

type options struct {
	chartDir    string
	valueFiles  []string
	release     string
	namespace   string
	apiVersions []string
}

func parseArgs(args []string) (options, error) {
	o := options{release: "release-name", namespace: "default"}
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, val, hasVal := a, "", false
		if strings.HasPrefix(a, "--") {
			if eq := strings.IndexByte(a, '='); eq >= 0 {
				name, val, hasVal = a[:eq], a[eq+1:], true
			}
		}
		next := func() (string, error) {
			if hasVal {
				return val, nil
			}
			if i+1 >= len(args) {
				return "", fmt.Errorf("flag %s needs a value", name)
			}
			i++
			return args[i], nil
		}
		var err error
		switch name {
		case "-f", "--values":
			var v string
			if v, err = next(); err == nil {
				o.valueFiles = append(o.valueFiles, v)
			}
		case "--release", "--name":
			o.release, err = next()
		case "-n", "--namespace":
			o.namespace, err = next()
		case "-a", "--api-versions":
			var v string
			if v, err = next(); err == nil {
				o.apiVersions = append(o.apiVersions, v)
			}
		case "-h", "--help":
			return o, errors.New("help")
		default:
			if strings.HasPrefix(a, "-") {
				return o, fmt.Errorf("unknown flag %s", a)
			}
			if o.chartDir != "" {
				return o, fmt.Errorf("unexpected argument %s", a)
			}
			o.chartDir = a
		}
		if err != nil {
			return o, err
		}
	}
	if o.chartDir == "" {
		return o, errors.New("no chart directory")
	}
	return o, nil
}

func render(o options) (string, error) {
	dir := o.chartDir
	chartYAML, err := os.ReadFile(filepath.Join(dir, "Chart.yaml"))
	if err != nil {
		return "", fmt.Errorf("not a chart: %w", err)
	}
	var meta Metadata
	if err := yaml.Unmarshal(chartYAML, &meta); err != nil {
		return "", fmt.Errorf("cannot load Chart.yaml: %w", err)
	}
	if meta.APIVersion == "" {
		return "", errors.New("validation: chart.metadata.apiVersion is required")
	}
	if meta.Name == "" {
		return "", errors.New("validation: chart.metadata.name is required")
	}
	if meta.Version == "" {
		return "", errors.New("validation: chart.metadata.version is required")
	}
	if _, err := semver.NewVersion(meta.Version); err != nil {
		return "", fmt.Errorf("validation: chart.metadata.version %q is invalid", meta.Version)
	}
	if len(meta.Dependencies) > 0 {
		return "", errors.New("helm-render: charts with dependencies (subcharts) are not supported")
	}
	if entries, err := os.ReadDir(filepath.Join(dir, "charts")); err == nil && len(entries) > 0 {
		return "", errors.New("helm-render: charts/ (subcharts) is not supported")
	}

	// Values: chart defaults, then each -f file (deep merge, later wins).
	defaults := map[string]interface{}{}
	if _, err := os.Stat(filepath.Join(dir, "values.yaml")); err == nil {
		if defaults, err = readValuesFile(filepath.Join(dir, "values.yaml")); err != nil {
			return "", err
		}
	}
	user := map[string]interface{}{}
	for _, f := range o.valueFiles {
		m, err := readValuesFile(f)
		if err != nil {
			return "", err
		}
		user = mergeMaps(user, m)
	}
	values := coalesce(user, defaults)
	if schema, err := os.ReadFile(filepath.Join(dir, "values.schema.json")); err == nil {
		if err := validateSchema(meta.Name, schema, values); err != nil {
			return "", err
		}
	}

	// Templates (names CHART/templates/...) and other files (.Files).
	type tfile struct{ name, text string }
	var templates []tfile
	files := Files{}
	skip := map[string]bool{"Chart.yaml": true, "values.yaml": true, "values.schema.json": true,
		"Chart.lock": true, "requirements.yaml": true, "requirements.lock": true, ".helmignore": true}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == "charts" {
				return filepath.SkipDir
			}
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.HasPrefix(rel, "templates/") {
			templates = append(templates, tfile{meta.Name + "/" + rel, string(data)})
		} else if !skip[rel] {
			files[rel] = data
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	sort.Slice(templates, func(i, j int) bool { return templates[i].name < templates[j].name })

	included := map[string]int{}
	t := template.New("gotpl")
	t.Option("missingkey=error")
	t.Funcs(funcMap(t, included))
	for _, tf := range templates {
		if _, err := t.New(tf.name).Parse(tf.text); err != nil {
			return "", fmt.Errorf("parse error at (%s): %w", tf.name, err)
		}
	}

	caps := Capabilities{
		KubeVersion: KubeVersion{Version: kubeVersion, Major: "1", Minor: "32"},
		APIVersions: append(append(VersionSet{}, builtinAPIVersions...), o.apiVersions...),
		HelmVersion: HelmVersion{Version: "v3.16.0", GoVersion: "go1.19"},
	}
	release := map[string]interface{}{
		"Name": o.release, "Namespace": o.namespace, "IsUpgrade": false, "IsInstall": true,
		"Revision": 1, "Service": "Helm",
	}

	var out strings.Builder
	for _, tf := range templates {
		base := path.Base(tf.name)
		if strings.HasPrefix(base, "_") || strings.HasSuffix(tf.name, "NOTES.txt") {
			continue
		}
		top := map[string]interface{}{
			"Values":       values,
			"Release":      release,
			"Chart":        &meta,
			"Capabilities": &caps,
			"Files":        files,
			"Subcharts":    map[string]interface{}{},
			"Template":     map[string]interface{}{"Name": tf.name, "BasePath": meta.Name + "/templates"},
		}
		var buf strings.Builder
		if err := t.ExecuteTemplate(&buf, tf.name, top); err != nil {
			return "", err
		}
		for _, doc := range splitManifests(buf.String()) {
			var head simpleHead
			if err := yaml.Unmarshal([]byte(doc), &head); err != nil {
				return "", fmt.Errorf("YAML parse error on %s: %w", tf.name, err)
			}
			fmt.Fprintf(&out, "---\n# Source: %s\n%s\n", tf.name, doc)
		}
	}
	return out.String(), nil
}

func main() {
	o, err := parseArgs(os.Args[1:])
	if err != nil {
		if err.Error() != "help" {
			fmt.Fprintf(os.Stderr, "Error: %v\n", err)
		}
		fmt.Fprintln(os.Stderr, "usage: helm-render CHART_DIR [-f values.yaml]... [--release NAME] [--namespace NS] [-a API_VERSION]...")
		os.Exit(2)
	}
	s, err := render(o)
	if err != nil {
		fmt.Fprintf(os.Stderr, "Error: %v\n", err)
		os.Exit(1)
	}
	os.Stdout.WriteString(s)
}
