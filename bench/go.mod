module github.com/nckit/nckit/bench

go 1.26.0
