module example.org/hello-gotc

go 1.26
