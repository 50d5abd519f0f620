// gensdk writes the Python and Go SDKs of a Pulumi package from its schema.json, with pkg/v3's own code
// generators: the ones `pulumi package gen-sdk` runs inside a language host. The language hosts that can be
// built on this project's machines predate the GeneratePackage RPC, so `gen-sdk` cannot run here; users with
// a normal Pulumi install can run `pulumi package gen-sdk` instead and get the same code (docs/sdks.md).
//
// Usage: gensdk <schema.json> <out-dir> <language>...   (languages: python, go)
// Each language's files replace <out-dir>/<language> entirely, so a file the generator no longer writes is gone.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "pulumi-msgraph-subscriptions gensdk"

// noPackages refuses every package reference: the schema is self-contained, and a reference to another
// package would be a mistake in the generator, not something to download.
type noPackages struct{}

func (noPackages) LoadPackage(name string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("schema refers to package %q; it must be self-contained", name)
}

func (noPackages) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, fmt.Errorf("schema refers to package %q; it must be self-contained", d.Name)
}

func (noPackages) LoadPackageReference(name string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, fmt.Errorf("schema refers to package %q; it must be self-contained", name)
}

func (noPackages) LoadPackageReferenceV2(_ context.Context, d *schema.PackageDescriptor) (schema.PackageReference, error) {
	return nil, fmt.Errorf("schema refers to package %q; it must be self-contained", d.Name)
}

func main() {
	if len(os.Args) < 4 {
		fmt.Fprintln(os.Stderr, "usage: gensdk <schema.json> <out-dir> <python|go>...")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2], os.Args[3:]); err != nil {
		fmt.Fprintln(os.Stderr, "gensdk:", err)
		os.Exit(1)
	}
}

func run(schemaPath, outDir string, languages []string) error {
	text, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(text, &spec); err != nil {
		return fmt.Errorf("%s: %w", schemaPath, err)
	}
	for _, language := range languages {
		// Each generator imports its language section into the package, so each gets a package of its own.
		pkg, diags, err := schema.BindSpec(spec, noPackages{}, schema.ValidationOptions{})
		if err != nil {
			return err
		}
		if diags.HasErrors() {
			return fmt.Errorf("%s does not bind: %s", schemaPath, diags.Error())
		}
		var files map[string][]byte
		switch language {
		case "python":
			files, err = python.GeneratePackage(tool, pkg, nil, noPackages{})
		case "go":
			files, err = gogen.GeneratePackage(tool, pkg, nil)
		default:
			return fmt.Errorf("no generator for %q here (python, go); pkg/v3 has none for dotnet", language)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", language, err)
		}
		if err := write(filepath.Join(outDir, language), files); err != nil {
			return err
		}
	}
	return nil
}

// write replaces dir with exactly the generated files, keeping files the generator does not own (go.mod, go.sum).
func write(dir string, files map[string][]byte) error {
	keep := map[string][]byte{}
	for _, name := range []string{"go.mod", "go.sum"} {
		if data, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
			keep[name] = data
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	for name, data := range keep {
		if _, generated := files[name]; !generated {
			files[name] = data
		}
	}
	for name, data := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
